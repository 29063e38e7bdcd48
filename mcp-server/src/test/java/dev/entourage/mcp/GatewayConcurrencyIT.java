package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entourage.app.Ledger;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Budget;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.pricing.PriceTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 32 clients, each with its own agent key, call the gateway of a real {@code entourage serve} at once on one team's
 * daily limit, until each is refused: the team's spend stays within the limit, it equals the usage the answers
 * carried priced exactly, nothing stays held, and no refused call reached the upstream (the stand-in of
 * {@code examples/} counts the calls it served).
 */
class GatewayConcurrencyIT {
    private static final int CLIENTS = 32;
    private static final long LIMIT_MICROS = 10_000_000;
    private static final Path STAND_IN = Path.of("../examples/src/main/java/dev/entourage/examples/standin/"
            + "AnthropicStandIn.java");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void thirtyTwoClientsOnOneTeamLimitNeverSpendPastItAndRefusedCallsNeverReachTheUpstream() throws Exception {
        Path db = dir.resolve("ledger.db");
        Cli cli = new Cli(db);
        cli.ok("init");
        cli.ok("teams", "set", "default", "--daily-limit", "10.00");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            cli.ok("agents", "set", "agent-" + i);
            keys.add(JSON.readTree(cli.output("keys", "create", "--role", "agent", "--agent", "agent-" + i,
                    "--json")).path("key").asText());
        }
        int upstream = startStandIn();
        int port = startServe(db, upstream);

        ConcurrentLinkedQueue<TokenCounts> answered = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            String key = keys.get(i);
            boolean stream = i % 2 == 0;
            clients.add(pool.submit(() -> {
                go.await();
                for (int call = 0; call < 200; call++) {
                    HttpResponse<String> answer = http.send(message(port, key, stream, "c" + key.hashCode()),
                            HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 429) {
                        assertThat(JSON.readTree(answer.body()).path("error").path("type").asText())
                                .isEqualTo("billing_error");
                        refused.incrementAndGet();
                        return null;
                    }
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    answered.add(stream ? streamedUsage(answer.body()) : usage(JSON.readTree(answer.body())));
                }
                throw new AssertionError("never refused");
            }));
        }
        go.countDown();
        for (Future<?> client : clients) {
            client.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();

        PriceTable prices = PriceTable.bundled();
        long expected = answered.stream().mapToLong(t -> prices.price("claude-sonnet-4-5", t).costMicros()).sum();
        assertThat(refused.get()).isEqualTo(CLIENTS);
        assertThat(answered).hasSizeGreaterThan(5 * CLIENTS);
        assertThat(standInCalls(upstream)).as("calls the stand-in served").isEqualTo(answered.size());
        System.out.printf("gateway concurrency: %d calls answered, %d refused, %d micro-dollars expected%n",
                answered.size(), refused.get(), expected);
        stopProcesses();
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            Budget budget = ledger.services().budgets().check(Actor.local(), Ref.name("agent-0"), null, null);
            assertThat(budget.teamDailySpent()).isEqualTo(expected);
            assertThat(budget.teamDailySpent()).isLessThanOrEqualTo(LIMIT_MICROS);
            assertThat(budget.teamDailyHeld()).isZero();
        }
    }

    private HttpRequest message(int port, String key, boolean stream, String session) {
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":4096,\"stream\":" + stream
                + ",\"tools\":[{\"name\":\"Bash\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hi with bash\"}]}";
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/anthropic/v1/messages"))
                .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01").header("x-api-key", "sk-ant-it")
                .header("x-claude-code-session-id", session).header("X-Entourage-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static TokenCounts usage(JsonNode message) {
        JsonNode u = message.path("usage");
        return new TokenCounts(u.path("input_tokens").asLong(), u.path("output_tokens").asLong(),
                u.path("cache_creation_input_tokens").asLong(),
                u.path("cache_creation").path("ephemeral_1h_input_tokens").asLong(),
                u.path("cache_read_input_tokens").asLong());
    }

    private static TokenCounts streamedUsage(String sse) throws IOException {
        TokenCounts start = null;
        long output = -1;
        try (BufferedReader lines = new BufferedReader(new java.io.StringReader(sse))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("data: ")) {
                    JsonNode data = JSON.readTree(line.substring(6));
                    if (data.path("type").asText().equals("message_start")) {
                        start = usage(data.path("message"));
                    } else if (data.path("type").asText().equals("message_delta")) {
                        output = data.path("usage").path("output_tokens").asLong();
                    }
                }
            }
        }
        assertThat(start).as("message_start").isNotNull();
        assertThat(output).as("message_delta usage").isPositive();
        return new TokenCounts(start.input(), output, start.cacheCreation(), start.cacheCreation1h(), start.cacheRead());
    }

    private int standInCalls(int port) throws Exception {
        String calls = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_standin/calls"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return (int) calls.lines().filter(l -> l.contains("\"/v1/messages\"")).count();
    }

    private int startStandIn() throws Exception {
        Path out = dir.resolve("standin.out");
        processes.add(new ProcessBuilder("java", STAND_IN.toString(), "--port", "0", "--delay-ms", "20",
                "--log", dir.resolve("standin.log").toString()).redirectOutput(out.toFile())
                .redirectError(dir.resolve("standin.err").toFile()).start());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String printed = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
            if (printed.startsWith("listening on ")) {
                return Integer.parseInt(printed.substring("listening on ".length()).trim());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the stand-in did not start");
    }

    private int startServe(Path db, int upstream) throws Exception {
        int port = ServeProcess.freePort();
        processes.add(new ProcessBuilder("java", "-jar", Sidecar.jar(), "serve", "--port", Integer.toString(port),
                "--db", db.toString(), "--anthropic-upstream", "http://127.0.0.1:" + upstream)
                .redirectOutput(dir.resolve("serve.log").toFile()).redirectErrorStream(true).start());
        return ServeProcess.awaitHealthy(port);
    }

    private void stopProcesses() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
