package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code entourage serve} as a process: sharing a database with stdio sidecars, its settings, its shutdown, and its
 * {@code --prices} file put in force without a restart when it changes (a broken one keeps the old table).
 */
class ServeProcessIT {
    @TempDir
    Path dir;

    private static final String PRICE_HEADER = "model,match,input,output,cache_write_5m,cache_write_1h,cache_read";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
    }

    /** Starts {@code entourage serve} with {@code more} arguments; its output goes to {@code serve-PORT.log}. */
    private int startServe(Path db, Map<String, String> env, String... more) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of("java", "-jar", Sidecar.jar(), "serve", "--port",
                Integer.toString(port), "--db", db.toString()));
        command.addAll(List.of(more));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("serve-" + port + ".log").toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        processes.add(builder.start());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (get(port, "/healthz", null).statusCode() == 200) {
                    return port;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("serve did not come up on port " + port);
    }

    private HttpResponse<String> get(int port, String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(int port, String path, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void usageReportedOverRestIsSeenByAStdioSidecarAndTheReverse() throws Exception {
        Path db = dir.resolve("ledger.db");
        Cli cli = new Cli(db);
        cli.ok("init");
        String key = LedgerContract.parse(cli.output("keys", "create", "--role", "agent", "--agent", "eng-1", "--json"))
                .path("key").asText();
        int port = startServe(db, Map.of());

        HttpResponse<String> started = post(port, "/api/v1/agents/eng-1/sessions", key, "{}");
        long restSession = LedgerContract.parse(started.body()).path("id").asLong();
        assertThat(post(port, "/api/v1/sessions/" + restSession + "/usage", key,
                "{\"input_tokens\": 2500, \"output_tokens\": 800, \"cost_usd\": 0.012}").statusCode()).isEqualTo(201);

        try (Sidecar sidecar = new Sidecar(db, "eng-1")) {
            ToolAnswer seen = sidecar.call("check_budget", Map.of());
            assertThat(LedgerContract.dollars(seen.structured().path("daily_spent_usd")))
                    .isEqualByComparingTo("0.012");
            sidecar.call("start_session", Map.of());
            sidecar.call("report_usage", Map.of("input_tokens", 10, "output_tokens", 1, "cost_usd",
                    new BigDecimal("0.5")));
        }

        JsonNode budget = LedgerContract.parse(get(port, "/api/v1/agents/eng-1/budget", key).body());
        assertThat(LedgerContract.dollars(budget.path("daily_spent_usd"))).isEqualByComparingTo("0.512");
    }

    @Test
    void realClaudeCodeTelemetryPostedToServeIsRecordedOnceWithItsOwnDollars() throws Exception {
        Path db = dir.resolve("ledger.db");
        Cli cli = new Cli(db);
        String key = LedgerContract.parse(cli.output("init", "--json")).path("admin_key").asText();
        cli.ok("agents", "set", "runaway", "--daily-limit", "5");
        int port = startServe(db, Map.of());

        for (String batch : List.of("logs-1", "logs-2", "logs-1", "logs-2")) {
            byte[] body;
            try (java.io.InputStream in = getClass().getResourceAsStream("/otlp/claude-code-2.1.332-" + batch
                    + ".bin")) {
                body = in.readAllBytes();
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
            assertThat(answer.body()).as("an empty ExportLogsServiceResponse: nothing rejected").isEmpty();
        }

        JsonNode session = LedgerContract.parse(get(port, "/api/v1/agents/runaway/sessions", key).body())
                .path("sessions").get(0);
        assertThat(session.path("input_tokens").asLong()).isEqualTo(5 * 1200);
        assertThat(LedgerContract.dollars(session.path("cost_usd"))).isEqualByComparingTo("0.159");
        assertThat(java.nio.file.Files.readString(dir.resolve("serve-" + port + ".log")))
                .contains("OTLP http://127.0.0.1:" + port + " (/v1/logs, /v1/metrics)");
    }

    @Test
    void theRateLimitComesFromTheEnvironmentAndSigtermStopsGracefully() throws Exception {
        Path db = dir.resolve("ledger.db");
        String key = LedgerContract.parse(new Cli(db).output("init", "--json")).path("admin_key").asText();
        int port = startServe(db, Map.of("OPENCLAW_RATE_LIMIT_RPM", "5"));

        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(get(port, "/api/v1/teams/default/tasks", key));
        }

        assertThat(answers.subList(0, 5)).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
        });
        assertThat(answers.get(5).statusCode()).isEqualTo(429);
        assertThat(answers.get(5).headers().firstValue("Retry-After")).isPresent();

        Process serve = processes.get(0);
        serve.destroy();
        assertThat(serve.waitFor(15, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
        assertThat(serve.exitValue()).as("a graceful stop is a success").isZero();
        assertThat(java.nio.file.Files.readString(dir.resolve("serve-" + port + ".log"))).contains("Stopping")
                .contains("Dashboard: http://127.0.0.1:" + port + "/");
    }

    @Test
    void entourageRateLimitRpmIsHonouredBesideTheGuidesVariable() throws Exception {
        Path db = dir.resolve("ledger.db");
        String key = LedgerContract.parse(new Cli(db).output("init", "--json")).path("admin_key").asText();
        int port = startServe(db, Map.of("ENTOURAGE_RATE_LIMIT_RPM", "3"));

        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            codes.add(get(port, "/api/v1/teams/default/tasks", key).statusCode());
        }

        assertThat(codes).containsExactly(200, 200, 200, 429);
    }

    private BigDecimal report(int port, String key, long session) throws Exception {
        HttpResponse<String> answer = post(port, "/api/v1/sessions/" + session + "/usage", key,
                "{\"input_tokens\": 1000000, \"output_tokens\": 0}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return LedgerContract.dollars(LedgerContract.parse(answer.body()).path("cost_usd"));
    }

    @Test
    void aChangedPriceFileIsPutInForceWithoutARestartAndABrokenOneKeepsTheOld() throws Exception {
        Path db = dir.resolve("ledger.db");
        Path prices = dir.resolve("prices.csv");
        Files.write(prices, List.of(PRICE_HEADER, "house-model-1,exact,2,2,2,2,2"));
        Cli cli = new Cli(db);
        String admin = LedgerContract.parse(cli.output("init", "--json")).path("admin_key").asText();
        cli.ok("agents", "set", "eng-1");
        int port = startServe(db, Map.of(), "--prices", prices.toString());
        Path log = dir.resolve("serve-" + port + ".log");
        HttpResponse<String> started = post(port, "/api/v1/agents/eng-1/sessions", admin,
                "{\"model\": \"house-model-1\"}");
        long session = LedgerContract.parse(started.body()).path("id").asLong();
        assertThat(report(port, admin, session)).isEqualByComparingTo("2");

        Files.write(prices, List.of(PRICE_HEADER, "house-model-1,exact,lots,3,3,3,3"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(log).contains("Prices not reloaded") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        List<String> refused = Files.readAllLines(log).stream().filter(l -> l.contains("Prices not reloaded")).toList();
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0)).contains("prices.csv:2");
        assertThat(Files.readString(log)).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(report(port, admin, session)).as("the old table stays in force").isEqualByComparingTo("2");

        Files.write(prices, List.of(PRICE_HEADER, "house-model-1,exact,3,3,3,3,3"));
        BigDecimal cost = report(port, admin, session);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cost.compareTo(new BigDecimal("3")) != 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            cost = report(port, admin, session);
        }
        assertThat(cost).as("the watch put the new row in force").isEqualByComparingTo("3");

        Files.write(prices, List.of(PRICE_HEADER, "house-model-1,exact,4,4,4,4,4"));
        HttpResponse<String> reload = post(port, "/api/v1/prices/reload", admin, "");
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        assertThat(LedgerContract.parse(reload.body()).path("file").asText()).isEqualTo("prices.csv");
        assertThat(report(port, admin, session)).isEqualByComparingTo("4");
    }
}
