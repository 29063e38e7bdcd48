package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code entourage serve} killed with {@code kill -9} in the middle of a gateway call: the next bridge on the same
 * database charges the call its floor estimate at start, exactly once; a call that completed before the kill keeps
 * its settled cost and gets no floor. The upstream is a local stand-in speaking the Messages API's SSE.
 */
class GatewayCrashIT {
    private static final String MODEL = "claude-sonnet-4-5";
    private static final long COUNTED_INPUT = 5_000;
    private static final long OUTPUT = 300;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Process> processes = new ArrayList<>();
    private final CountDownLatch never = new CountDownLatch(1);
    private volatile boolean stallStreams;
    private HttpServer upstream;
    private Path db;
    private String key;

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", this::handle);
        upstream.setExecutor(Executors.newCachedThreadPool());
        upstream.start();
        db = dir.resolve("ledger.db");
        Cli cli = new Cli(db);
        cli.ok("init");
        key = LedgerContract.parse(cli.output("keys", "create", "--role", "agent", "--agent", "eng-1", "--json"))
                .path("key").asText();
    }

    @AfterEach
    void stop() {
        never.countDown();
        processes.forEach(Process::destroyForcibly);
        upstream.stop(0);
    }

    @Test
    void aCallCutByKillNineIsChargedItsFloorOnceByTheNextBridge() throws Exception {
        stallStreams = true;
        Process first = serve();
        int port = port(first);
        HttpResponse<InputStream> answer = http.send(message(port), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(answer.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).isEqualTo("event: message_start");

        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(first.isAlive()).isFalse();
        lines.close();
        Process second = serve();
        int again = port(second);

        List<JsonNode> events = events(again);
        assertThat(events).hasSize(1);
        JsonNode floor = events.get(0);
        assertThat(floor.path("query_source").asText()).isEqualTo("gateway_floor");
        assertThat(floor.path("event_id").asText()).startsWith("gw_");
        assertThat(floor.path("input_tokens").asLong()).isEqualTo(COUNTED_INPUT);
        assertThat(floor.path("output_tokens").asLong()).isZero();
        assertThat(LedgerContract.dollars(floor.path("cost_usd"))).isEqualByComparingTo("0.015");
        assertThat(LedgerContract.dollars(budget(again).path("daily_held_usd"))).isEqualByComparingTo("0");

        second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int third = port(serve());
        assertThat(events(third)).as("charged once, not again by a later start").hasSize(1);
        assertThat(LedgerContract.dollars(budget(third).path("daily_spent_usd"))).isEqualByComparingTo("0.015");
    }

    @Test
    void aCallThatCompletedBeforeTheKillKeepsItsSettledCostAndGetsNoFloor() throws Exception {
        Process first = serve();
        int port = port(first);
        HttpResponse<String> answer = http.send(message(port), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("message_stop");
        awaitEvents(port, 1);

        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int again = port(serve());

        List<JsonNode> events = events(again);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("query_source").asText()).isEqualTo("gateway");
        assertThat(events.get(0).path("event_id").asText()).isEqualTo("req_crash1");
        assertThat(events.get(0).path("output_tokens").asLong()).isEqualTo(OUTPUT);
        assertThat(LedgerContract.dollars(events.get(0).path("cost_usd"))).isEqualByComparingTo("0.0195");
    }

    private final List<Integer> ports = new ArrayList<>();

    private Process serve() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder("java", "-jar", Sidecar.jar(), "serve", "--port", Integer.toString(port),
                "--db", db.toString(), "--anthropic-upstream", "http://127.0.0.1:" + upstream.getAddress().getPort(),
                "--gateway-count-tokens")
                .redirectOutput(dir.resolve("serve-" + port + ".log").toFile()).redirectErrorStream(true).start();
        processes.add(process);
        ports.add(port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("serve did not come up on port " + port);
    }

    private int port(Process process) {
        return ports.get(processes.indexOf(process));
    }

    private HttpRequest message(int port) {
        String body = "{\"model\":\"" + MODEL + "\",\"max_tokens\":1000,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/anthropic/v1/messages"))
                .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01").header("x-api-key", "sk-ant-test-key")
                .header("x-claude-code-session-id", "cc-crash").header("X-Entourage-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1" + path)).header("X-API-Key", key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return LedgerContract.parse(answer.body());
    }

    private JsonNode budget(int port) throws Exception {
        return get(port, "/agents/eng-1/budget");
    }

    private List<JsonNode> events(int port) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (JsonNode session : get(port, "/agents/eng-1/sessions").path("sessions")) {
            get(port, "/sessions/" + session.path("id").asLong() + "/usage").path("events").forEach(events::add);
        }
        return events;
    }

    private void awaitEvents(int port, int count) throws Exception {
        for (int i = 0; i < 200 && events(port).size() < count; i++) {
            Thread.sleep(50);
        }
        assertThat(events(port)).hasSize(count);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/v1/messages/count_tokens")) {
                byte[] counted = ("{\"input_tokens\":" + COUNTED_INPUT + "}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, counted.length);
                exchange.getResponseBody().write(counted);
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().add("request-id", "req_crash1");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            event(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":"
                    + "\"message\",\"role\":\"assistant\",\"model\":\"" + MODEL + "\",\"content\":[],\"usage\":"
                    + "{\"input_tokens\":" + COUNTED_INPUT + ",\"output_tokens\":1}}}");
            event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                    + "{\"type\":\"text\",\"text\":\"\"}}");
            event(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"text_delta\",\"text\":\"Hello\"}}");
            if (stallStreams) {
                never.await(60, TimeUnit.SECONDS);
                return;
            }
            event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                    + "\"usage\":{\"output_tokens\":" + OUTPUT + "}}");
            event(out, "message_stop", "{\"type\":\"message_stop\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // the bridge went away mid-answer
        }
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
