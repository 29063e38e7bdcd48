package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MCP clients over HTTP that go away without a word (the TCP connection reset under an open stream) are
 * ordinary: a real {@code entourage serve} (keep-alive every second here) logs no WARN or ERROR for them, and
 * goes on serving.
 */
class McpDisconnectLogIT {
    private static final String INITIALIZE = StdioProcess.INITIALIZE;
    /** The legacy SSE transport speaks the protocol version of its day. */
    private static final String INITIALIZE_SSE = INITIALIZE.replace("2025-06-18", "2024-11-05");
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static final String CHECK = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
            + "{\"name\":\"check_budget\",\"arguments\":{}}}";
    private static final Pattern ENDPOINT = Pattern.compile("(/message\\?sessionId=[A-Za-z0-9_-]+)");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private Process serve;
    private Path log;
    private int port;
    private String key;

    @BeforeEach
    void start() throws Exception {
        Path db = dir.resolve("ledger.db");
        Cli cli = new Cli(db);
        cli.ok("init");
        key = LedgerContract.parse(cli.output("keys", "create", "--role", "agent", "--agent", "eng-1", "--json"))
                .path("key").asText();
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        log = dir.resolve("serve.log");
        serve = new ProcessBuilder("java", "-Dentourage.mcp.keepAliveSeconds=1", "-jar", Sidecar.jar(), "serve",
                "--port", Integer.toString(port), "--db", db.toString())
                .redirectOutput(log.toFile()).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (get("/healthz").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("serve did not come up: " + Files.readString(log));
    }

    @AfterEach
    void stop() {
        serve.destroyForcibly();
    }

    @Test
    void clientsThatDropTheirConnectionsLeaveNoWarningsAndTheBridgeServesOn() throws Exception {
        dropAnSseClientAfterACall();
        dropAStreamableClientAfterACall();

        Thread.sleep(4_000); // several keep-alive pings into the dropped streams

        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        String session = initialize();
        HttpResponse<String> call = post("/mcp", session, CHECK);
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(call.body()).contains("daily_limit_usd");
        List<String> loud = Files.readAllLines(log).stream()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("Exception"))
                .toList();
        assertThat(loud).as("the bridge's log:\n" + Files.readString(log)).isEmpty();
    }

    /** {@code GET /sse}, initialize and call a tool through {@code /message}, then reset the connection. */
    private void dropAnSseClientAfterACall() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            write(socket, "GET /sse HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-API-Key: " + key
                    + "\r\nAccept: text/event-stream\r\n\r\n");
            InputStream in = socket.getInputStream();
            Matcher endpoint = ENDPOINT.matcher(readUntil(in, ENDPOINT));
            assertThat(endpoint.find()).isTrue();
            String messages = endpoint.group(1);
            assertThat(postStatus(messages, INITIALIZE_SSE)).isBetween(200, 202);
            readUntil(in, Pattern.compile("\"id\":1"));
            assertThat(postStatus(messages, INITIALIZED)).isBetween(200, 202);
            assertThat(postStatus(messages, CHECK)).isBetween(200, 202);
            readUntil(in, Pattern.compile("daily_limit_usd"));
            socket.setSoLinger(true, 0); // close with a reset, as a killed client would
        }
    }

    /** Initialize over {@code POST /mcp}, call a tool, open the {@code GET /mcp} stream, then reset it. */
    private void dropAStreamableClientAfterACall() throws Exception {
        String session = initialize();
        HttpResponse<String> call = post("/mcp", session, CHECK);
        assertThat(call.body()).contains("daily_limit_usd");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            write(socket, "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-API-Key: " + key
                    + "\r\nAccept: text/event-stream\r\nMcp-Session-Id: " + session + "\r\n\r\n");
            readUntil(socket.getInputStream(), Pattern.compile("HTTP/1.1 200"));
            socket.setSoLinger(true, 0);
        }
    }

    private String initialize() throws Exception {
        HttpResponse<String> answer = post("/mcp", null, INITIALIZE);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String session = answer.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post("/mcp", session, INITIALIZED);
        return session;
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Reads from an open stream until {@code wanted} matches what was read; returns what was read. */
    private static String readUntil(InputStream in, Pattern wanted) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                break;
            }
            if (n < 0) {
                break;
            }
            seen.write(buffer, 0, n);
            if (wanted.matcher(seen.toString(StandardCharsets.UTF_8)).find()) {
                return seen.toString(StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("never saw " + wanted + " in: " + seen.toString(StandardCharsets.UTF_8));
    }

    private int postStatus(String path, String body) throws Exception {
        return post(path, null, body).statusCode();
    }

    private HttpResponse<String> post(String path, String session, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", key).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
