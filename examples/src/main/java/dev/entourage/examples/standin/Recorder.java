package dev.entourage.examples.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Records what a coding agent sends to Entourage's doors, to build tests from real payloads: every request's
 * method, path, headers and raw body goes to a directory ({@code otlp-logs-proto-1.bin},
 * {@code hook-PreToolUse-1.json}, each with a {@code .headers.txt} beside it, a gunzipped copy when the body was
 * gzip, and a line in {@code index.tsv}). OTLP posts are answered 200 with an empty export response; hook posts
 * with {@code {}}, or with a stop decision from the N-th {@code PreToolUse} / {@code PostToolBatch} on when asked.
 * With {@code --forward URL} it is a recording proxy instead: every request goes on to {@code URL} (same method,
 * path, headers and body) and the answer comes back as it was. Test equipment, runs as a single source file:
 *
 * <pre>
 * java examples/src/main/java/dev/entourage/examples/standin/Recorder.java --port 0 --dir DIR
 *     [--stop-pre-tool-use N] [--stop-post-tool-batch N] [--prefix run1-] [--forward http://127.0.0.1:8000]
 * </pre>
 */
public final class Recorder {
    private static final Pattern EVENT = Pattern.compile("\"hook_event_name\"\\s*:\\s*\"([A-Za-z]{1,40})\"");

    private final Path dir;
    private final String prefix;
    private final int stopPreToolUse;
    private final int stopPostToolBatch;
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final URI forward;
    private final HttpClient client = HttpClient.newHttpClient();
    private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive");

    Recorder(Path dir, String prefix, int stopPreToolUse, int stopPostToolBatch, URI forward) {
        this.forward = forward;
        this.dir = dir;
        this.prefix = prefix;
        this.stopPreToolUse = stopPreToolUse;
        this.stopPostToolBatch = stopPostToolBatch;
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        Path dir = Path.of(".");
        String prefix = "";
        int stopPre = 0;
        int stopBatch = 0;
        String forward = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--port": port = Integer.parseInt(value); break;
                case "--dir": dir = Path.of(value); break;
                case "--prefix": prefix = value; break;
                case "--stop-pre-tool-use": stopPre = Integer.parseInt(value); break;
                case "--stop-post-tool-batch": stopBatch = Integer.parseInt(value); break;
                case "--forward": forward = value; break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(dir);
        Recorder recorder = new Recorder(dir, prefix, stopPre, stopBatch,
                forward == null ? null : URI.create(forward.replaceAll("/+$", "")));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", recorder::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
        System.out.flush();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            boolean json = type.contains("json");
            boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            byte[] plain = gzip ? new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes() : body;
            String kind;
            String answer;
            String answerType = "application/json";
            if (path.startsWith("/v1/logs") || path.startsWith("/v1/metrics") || path.startsWith("/v1/traces")) {
                kind = "otlp-" + path.substring(4).replace('/', '-') + (json ? "-json" : "-proto");
                answer = json ? "{}" : "";
                answerType = json ? "application/json" : "application/x-protobuf";
            } else {
                Matcher m = EVENT.matcher(new String(plain, StandardCharsets.UTF_8));
                String event = m.find() ? m.group(1) : "unknown";
                kind = "hook-" + event;
                answer = hookAnswer(event, next("answer-" + event));
            }
            int n = next(kind);
            String name = prefix + kind + "-" + n;
            String ext = json || kind.startsWith("hook-") ? ".json" : ".bin";
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + (gzip ? ext + ".gz" : ext)), body);
            if (gzip) {
                Files.write(dir.resolve(name + ext), plain);
            }
            StringBuilder headers = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI()
                    + "\n");
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                for (String v : h.getValue()) {
                    headers.append(h.getKey()).append(": ").append(v).append('\n');
                }
            }
            Files.writeString(dir.resolve(prefix + "index.tsv"), Instant.now() + "\t" + path + "\t" + name + ext
                    + "\t" + body.length + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            int status = 200;
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            if (forward != null) {
                HttpResponse<byte[]> forwarded = forward(exchange, body);
                status = forwarded.statusCode();
                bytes = forwarded.body();
                answerType = forwarded.headers().firstValue("Content-Type").orElse("application/octet-stream");
                answer = answerType.contains("json") || answerType.startsWith("text")
                        ? new String(bytes, StandardCharsets.UTF_8) : bytes.length + " bytes";
            }
            headers.append("\n-- answered ").append(status).append(' ').append(answerType).append(": ")
                    .append(answer).append('\n');
            Files.writeString(dir.resolve(name + ".headers.txt"), headers);
            exchange.getResponseHeaders().set("Content-Type", answerType);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(forward.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
            if (!HOP_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                for (String v : h.getValue()) {
                    request.header(h.getKey(), v);
                }
            }
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private int next(String key) {
        return counters.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private String hookAnswer(String event, int n) {
        String reason = "Entourage (recorder): stop after " + n + " " + event + " calls";
        if (event.equals("PreToolUse") && stopPreToolUse > 0 && n >= stopPreToolUse) {
            return "{\"continue\":false,\"stopReason\":\"" + reason + "\",\"hookSpecificOutput\":{\"hookEventName\":"
                    + "\"PreToolUse\",\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"" + reason
                    + "\"}}";
        }
        if (event.equals("PostToolBatch") && stopPostToolBatch > 0 && n >= stopPostToolBatch) {
            return "{\"continue\":false,\"stopReason\":\"" + reason + "\"}";
        }
        return "{}";
    }
}
