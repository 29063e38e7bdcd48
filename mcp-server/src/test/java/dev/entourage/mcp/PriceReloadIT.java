package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code entourage serve --prices FILE} as a process: a changed file is put in force without a restart, a broken one
 * keeps the old table and is logged in one line, and {@code POST /api/v1/prices/reload} reloads on demand.
 */
class PriceReloadIT {
    private static final String HEADER = "model,match,input,output,cache_write_5m,cache_write_1h,cache_read";
    private static final String MILLION_IN = "{\"input_tokens\": 1000000, \"output_tokens\": 0}";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private Process serve;

    @AfterEach
    void stop() {
        if (serve != null) {
            serve.destroyForcibly();
        }
    }

    private int startServe(Path db, Path prices, Path log) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        serve = new ProcessBuilder("java", "-jar", Sidecar.jar(), "serve", "--port", Integer.toString(port), "--db",
                db.toString(), "--prices", prices.toString())
                .redirectOutput(log.toFile()).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return port;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("serve did not come up on port " + port);
    }

    private HttpResponse<String> post(int port, String path, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private BigDecimal report(int port, String key, long session) throws Exception {
        HttpResponse<String> answer = post(port, "/api/v1/sessions/" + session + "/usage", key, MILLION_IN);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return LedgerContract.dollars(LedgerContract.parse(answer.body()).path("cost_usd"));
    }

    @Test
    void aChangedPriceFileIsPutInForceWithoutARestartAndABrokenOneKeepsTheOld() throws Exception {
        Path db = dir.resolve("ledger.db");
        Path prices = dir.resolve("prices.csv");
        Path log = dir.resolve("serve.log");
        Files.write(prices, List.of(HEADER, "house-model-1,exact,2,2,2,2,2"));
        Cli cli = new Cli(db);
        String admin = LedgerContract.parse(cli.output("init", "--json")).path("admin_key").asText();
        cli.ok("agents", "set", "eng-1");
        int port = startServe(db, prices, log);
        HttpResponse<String> started = post(port, "/api/v1/agents/eng-1/sessions", admin,
                "{\"model\": \"house-model-1\"}");
        long session = LedgerContract.parse(started.body()).path("id").asLong();
        assertThat(report(port, admin, session)).isEqualByComparingTo("2");

        Files.write(prices, List.of(HEADER, "house-model-1,exact,lots,3,3,3,3"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(log).contains("Prices not reloaded") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        List<String> refused = Files.readAllLines(log).stream().filter(l -> l.contains("Prices not reloaded")).toList();
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0)).contains("prices.csv:2");
        assertThat(Files.readString(log)).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(report(port, admin, session)).as("the old table stays in force").isEqualByComparingTo("2");

        Files.write(prices, List.of(HEADER, "house-model-1,exact,3,3,3,3,3"));
        BigDecimal cost = report(port, admin, session);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cost.compareTo(new BigDecimal("3")) != 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            cost = report(port, admin, session);
        }
        assertThat(cost).as("the watch put the new row in force").isEqualByComparingTo("3");

        Files.write(prices, List.of(HEADER, "house-model-1,exact,4,4,4,4,4"));
        HttpResponse<String> reload = post(port, "/api/v1/prices/reload", admin, "");
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        assertThat(LedgerContract.parse(reload.body()).path("file").asText()).isEqualTo("prices.csv");
        assertThat(report(port, admin, session)).isEqualByComparingTo("4");
    }
}
