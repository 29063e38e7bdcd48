package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.app.Ledger;
import dev.entourage.http.BridgeConfig;
import dev.entourage.http.HttpBridge;
import dev.entourage.ledger.access.Role;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MCP over HTTP at the HTTP level, on an in-process bridge: which {@code Host} names it answers, what its error
 * bodies hold, whose sessions are whose, how long an idle session lives, how many streams a key may hold, how
 * large a body may be.
 */
class HttpMcpBoundariesIT {
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    private static final Duration SESSION_IDLE = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private Ledger ledger;
    private HttpMcp mcp;
    private HttpBridge bridge;
    private String keyA;
    private String keyB;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> streams = new ArrayList<>();

    @BeforeEach
    void start() {
        ledger = Ledger.open(dir.resolve("ledger.db").toString(), null, Clock.systemUTC());
        BridgeConfig config = new BridgeConfig("127.0.0.1", 0, 100_000, false, List.of("bridge.lan"),
                List.of("https://app.example.com"));
        mcp = HttpMcp.create(ledger.services(), config, "test", SESSION_IDLE);
        bridge = HttpBridge.start(config, ledger.services(), ledger.access(), mcp.servlets());
        keyA = ledger.access().createKey("default", Role.AGENT, "eng-a", "test").secret();
        keyB = ledger.access().createKey("default", Role.AGENT, "eng-b", "test").secret();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable stream : streams) {
            stream.close();
        }
        bridge.close();
        mcp.close();
        ledger.close();
    }

    @Test
    void aDnsNameGivenInAllowedHostsIsAnsweredAndAnyOtherIs421WithoutInternals() throws IOException {
        String allowed = raw("POST", "/mcp", "bridge.lan:" + bridge.port(), null, INITIALIZE);
        String origin = raw("POST", "/mcp", "bridge.lan", "https://app.example.com", INITIALIZE);
        String foreign = raw("POST", "/mcp", "evil.example:" + bridge.port(), null, INITIALIZE);
        String foreignOrigin = raw("POST", "/mcp", "bridge.lan", "https://evil.example", INITIALIZE);

        assertThat(allowed).startsWith("HTTP/1.1 200").contains("Mcp-Session-Id");
        assertThat(origin).startsWith("HTTP/1.1 200");
        assertThat(foreign).startsWith("HTTP/1.1 421");
        assertThat(foreignOrigin).startsWith("HTTP/1.1 403");
        assertThat(List.of(foreign, foreignOrigin)).allSatisfy(HttpMcpBoundariesIT::holdsNothingInternal);
    }

    @Test
    void errorAnswersAreJsonRpcErrorsWithoutStackTraces() throws Exception {
        HttpResponse<String> notJson = post("/mcp", keyA, null, "{not json");
        HttpResponse<String> noSession = post("/mcp", keyA, null,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        HttpResponse<String> wrongShape = post("/mcp", keyA, null, "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},"
                + "\"method\":\"initialize\",\"params\":[]}");

        for (HttpResponse<String> answer : List.of(notJson, noSession, wrongShape)) {
            assertThat(answer.statusCode()).as(answer.body()).isBetween(400, 499);
            holdsNothingInternal(answer.body());
            assertThat(McpClientDoor.MAPPER.readTree(answer.body()).path("error").path("code").isInt())
                    .as(answer.body()).isTrue();
        }
    }

    @Test
    void aStreamableSessionBelongsToTheKeyThatOpenedIt() throws Exception {
        String session = initialize(keyA);

        HttpResponse<String> othersCall = post("/mcp", keyB, session,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        HttpResponse<String> othersDelete = send(HttpRequest.newBuilder(uri("/mcp")).header("X-API-Key", keyB)
                .header("Mcp-Session-Id", session).DELETE());
        HttpResponse<String> ownCall = post("/mcp", keyA, session,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");

        assertThat(othersCall.statusCode()).isEqualTo(404);
        assertThat(othersDelete.statusCode()).isEqualTo(404);
        assertThat(ownCall.statusCode()).as(ownCall.body()).isEqualTo(200);
        assertThat(ownCall.body()).contains("check_budget");
    }

    @Test
    void anSseSessionTakesMessagesOnlyFromTheKeyThatOpenedIt() throws Exception {
        Stream<String> lines = sse(keyA).body();
        String endpoint = lines.filter(line -> line.startsWith("data:")).findFirst().orElseThrow();
        String sessionId = endpoint.substring(endpoint.indexOf("sessionId=") + "sessionId=".length()).strip();

        HttpResponse<String> others = post("/message?sessionId=" + sessionId, keyB, null, INITIALIZE);
        HttpResponse<String> own = post("/message?sessionId=" + sessionId, keyA, null, INITIALIZE);

        assertThat(others.statusCode()).isEqualTo(404);
        assertThat(own.statusCode()).as(own.body()).isBetween(200, 202);
    }

    @Test
    void anIdleStreamableSessionExpires() throws Exception {
        String session = initialize(keyA);

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status;
        do {
            Thread.sleep(SESSION_IDLE.multipliedBy(3).toMillis());
            status = post("/mcp", keyA, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                    .statusCode();
        } while (status != 404 && System.nanoTime() < deadline);

        assertThat(status).as("the idle session is gone").isEqualTo(404);
    }

    @Test
    void aKeyMayHoldSixteenSseStreamsAndTheSeventeenthIs429() throws Exception {
        for (int i = 0; i < 16; i++) {
            assertThat(sse(keyA).statusCode()).isEqualTo(200);
        }

        HttpResponse<Stream<String>> seventeenth = sse(keyA);
        HttpResponse<Stream<String>> otherKey = sse(keyB);

        assertThat(seventeenth.statusCode()).isEqualTo(429);
        assertThat(seventeenth.headers().firstValue("Retry-After")).isPresent();
        assertThat(otherKey.statusCode()).isEqualTo(200);
    }

    @Test
    void bodiesOverOneMebibyteAre413WhetherAnnouncedOrChunked() throws Exception {
        byte[] big = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
                + "x".repeat(2 << 20) + "\"}}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> announced = send(HttpRequest.newBuilder(uri("/mcp")).header("X-API-Key", keyA)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(uri("/mcp")).header("X-API-Key", keyA)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));

        assertThat(announced.statusCode()).isEqualTo(413);
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
        holdsNothingInternal(chunked.body());
    }

    private static void holdsNothingInternal(String body) {
        assertThat(body).doesNotContain("stackTrace", "Exception", "io.modelcontextprotocol", "\tat ",
                "localizedMessage", "java.");
    }

    private String initialize(String key) throws Exception {
        HttpResponse<String> answer = post("/mcp", key, null, INITIALIZE);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String session = answer.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post("/mcp", key, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
    }

    private HttpResponse<Stream<String>> sse(String key) throws Exception {
        HttpResponse<Stream<String>> answer = http.send(HttpRequest.newBuilder(uri("/sse")).header("X-API-Key", key)
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        streams.add(answer.body()::close);
        return answer;
    }

    private HttpResponse<String> post(String path, String key, String session, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("X-API-Key", key)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + bridge.port() + path);
    }

    /** One request with the given {@code Host} (which java.net.http does not let a caller set); the whole answer. */
    private String raw(String method, String path, String host, String origin, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", bridge.port())) {
            socket.setSoTimeout(10_000);
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nX-API-Key: " + keyA
                    + (origin == null ? "" : "\r\nOrigin: " + origin)
                    + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream"
                    + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
