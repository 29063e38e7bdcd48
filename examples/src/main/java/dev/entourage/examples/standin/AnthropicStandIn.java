package dev.entourage.examples.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Anthropic Messages API that scripts a runaway agent: every turn that offers tools is
 * answered with the same {@code tool_use} (Bash {@code echo hi}), with fixed usage, so a test knows the exact
 * token counts of every call. Turns without tools (Claude Code's auxiliary calls: titles, topic checks) get a
 * short text answer with their own fixed usage. Test equipment, not product; no dependencies beyond the JDK, so
 * it also runs as a single source file:
 *
 * <pre>
 * java examples/src/main/java/dev/entourage/examples/standin/AnthropicStandIn.java --port 0 [--log FILE]
 *     [--input 1200] [--output 400] [--cache-write 3000] [--cache-read 20000] [--end-after N]
 *     [--error-on N [--errors K]] [--delay-ms 0]
 * </pre>
 *
 * <p>{@code --end-after N}: once a request carries N tool results, answer with text and {@code end_turn} (the
 * agent stops by itself: not a runaway). {@code --error-on N}: the N-th call (and the K-1 after it, {@code --errors K})
 * is answered 400 {@code invalid_request_error}. {@code --delay-ms}: wait that long before answering a message (a
 * model's latency: real calls take seconds, and the telemetry of one call lands during the next).
 *
 * <p>Routes: {@code POST /v1/messages} (SSE when the body says {@code "stream":true}, else one JSON message;
 * a {@code request-id: req_…} header either way), {@code POST /v1/messages/count_tokens}, {@code GET
 * /_standin/calls} (one JSON line per call served: {@code seq, at, path, model, stream, tools, request_id,
 * input, output, cache_write, cache_read}). Any other path is logged and answered 404. It prints
 * {@code listening on PORT} on stdout once it is up; every request goes to the log (stderr by default).
 */
public final class AnthropicStandIn {
    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]{1,200})\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern TOOLS = Pattern.compile("\"tools\"\\s*:\\s*\\[\\s*\\{");
    private static final Pattern TOOL_RESULT = Pattern.compile("\"type\"\\s*:\\s*\"tool_result\"");

    private final Script script;
    private final Usage textTurn = new Usage(40, 12, 0, 0);
    private final PrintStream log;
    private final List<String> calls = new ArrayList<>();

    /** Token counts of one answer, the Anthropic way: {@code input} excludes cached tokens. */
    public record Usage(long input, long output, long cacheWrite, long cacheRead) { }

    /** What the stand-in answers: the usage of a tool turn, and the options of {@link #main}. */
    public record Script(Usage toolTurn, int endAfter, int errorOn, int errorCount, long delayMillis) { }

    AnthropicStandIn(Script script, PrintStream log) {
        this.script = script;
        this.log = log;
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        Path logFile = null;
        long[] usage = {1200, 400, 3000, 20000};
        int endAfter = 0;
        int errorOn = 0;
        int errorCount = 1;
        long delay = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--port": port = Integer.parseInt(value); break;
                case "--log": logFile = Path.of(value); break;
                case "--input": usage[0] = Long.parseLong(value); break;
                case "--output": usage[1] = Long.parseLong(value); break;
                case "--cache-write": usage[2] = Long.parseLong(value); break;
                case "--cache-read": usage[3] = Long.parseLong(value); break;
                case "--end-after": endAfter = Integer.parseInt(value); break;
                case "--error-on": errorOn = Integer.parseInt(value); break;
                case "--errors": errorCount = Integer.parseInt(value); break;
                case "--delay-ms": delay = Long.parseLong(value); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        PrintStream log = logFile == null ? System.err : new PrintStream(Files.newOutputStream(logFile,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true, StandardCharsets.UTF_8);
        HttpServer server = start(new Script(new Usage(usage[0], usage[1], usage[2], usage[3]), endAfter, errorOn,
                errorCount, delay), port, log);
        System.out.println("listening on " + server.getAddress().getPort());
        System.out.flush();
    }

    /** Starts a stand-in on {@code 127.0.0.1:port} (0: any free port); stop it with {@code server.stop(0)}. */
    public static HttpServer start(Script script, int port, PrintStream log) throws IOException {
        AnthropicStandIn standIn = new AnthropicStandIn(script, log);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", standIn::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return server;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            log.println(Instant.now() + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
                    + " " + body.length() + " bytes");
            if (path.equals("/v1/messages") && exchange.getRequestMethod().equals("POST")) {
                messages(exchange, body);
            } else if (path.equals("/v1/messages/count_tokens")) {
                send(exchange, 200, "application/json", "{\"input_tokens\":" + script.toolTurn().input() + "}", null);
            } else if (path.equals("/_standin/calls")) {
                String lines;
                synchronized (calls) {
                    lines = calls.isEmpty() ? "" : String.join("\n", calls) + "\n";
                }
                send(exchange, 200, "application/x-ndjson", lines, null);
            } else {
                send(exchange, 404, "application/json",
                        "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"stand-in: no "
                                + "route\"}}", null);
            }
        }
    }

    private void messages(HttpExchange exchange, String body) throws IOException {
        Matcher m = MODEL.matcher(body);
        String model = m.find() ? m.group(1) : "claude-sonnet-4-5";
        boolean stream = STREAM.matcher(body).find();
        boolean tools = TOOLS.matcher(body).find() && (script.endAfter() <= 0
                || toolResults(body) < script.endAfter());
        Usage usage = tools ? script.toolTurn() : textTurn;
        String requestId;
        synchronized (calls) {
            int seq = calls.size() + 1;
            if (script.errorOn() > 0 && seq >= script.errorOn() && seq < script.errorOn() + script.errorCount()) {
                calls.add(String.format("{\"seq\":%d,\"at\":\"%s\",\"path\":\"/v1/messages\",\"error\":400}",
                        seq, Instant.now()));
                send(exchange, 400, "application/json", "{\"type\":\"error\",\"error\":{\"type\":"
                        + "\"invalid_request_error\",\"message\":\"stand-in: scripted error\"}}",
                        String.format("req_standin%06d", seq));
                return;
            }
            requestId = String.format("req_standin%06d", seq);
            calls.add(String.format("{\"seq\":%d,\"at\":\"%s\",\"path\":\"/v1/messages\",\"model\":\"%s\","
                            + "\"stream\":%b,\"tools\":%b,\"request_id\":\"%s\",\"input\":%d,\"output\":%d,"
                            + "\"cache_write\":%d,\"cache_read\":%d}", seq, Instant.now(), model, stream, tools,
                    requestId, usage.input(), usage.output(), usage.cacheWrite(), usage.cacheRead()));
        }
        if (script.delayMillis() > 0) {
            try {
                Thread.sleep(script.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String id = "msg_" + requestId.substring(4);
        String toolId = "toolu_" + requestId.substring(4);
        if (stream) {
            send(exchange, 200, "text/event-stream", sse(id, toolId, model, tools, usage), requestId);
        } else {
            send(exchange, 200, "application/json", message(id, toolId, model, tools, usage), requestId);
        }
    }

    private static int toolResults(String body) {
        Matcher m = TOOL_RESULT.matcher(body);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String startUsage(Usage u, long output) {
        return String.format("{\"input_tokens\":%d,\"cache_creation_input_tokens\":%d,\"cache_read_input_tokens\":%d,"
                        + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":%d,\"ephemeral_1h_input_tokens\":0},"
                        + "\"output_tokens\":%d,\"service_tier\":\"standard\"}", u.input(), u.cacheWrite(),
                u.cacheRead(), u.cacheWrite(), output);
    }

    private static final String TEXT = "Running it again.";
    private static final String TOOL_INPUT = "{\"command\":\"echo hi\",\"description\":\"Print hi\"}";

    private static String message(String id, String toolId, String model, boolean tools, Usage u) {
        String content = tools
                ? "[{\"type\":\"text\",\"text\":\"" + TEXT + "\"},{\"type\":\"tool_use\",\"id\":\"" + toolId
                        + "\",\"name\":\"Bash\",\"input\":" + TOOL_INPUT + "}]"
                : "[{\"type\":\"text\",\"text\":\"Runaway\"}]";
        return "{\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model
                + "\",\"content\":" + content + ",\"stop_reason\":\"" + (tools ? "tool_use" : "end_turn")
                + "\",\"stop_sequence\":null,\"usage\":" + startUsage(u, u.output()) + "}";
    }

    private static String sse(String id, String toolId, String model, boolean tools, Usage u) {
        StringBuilder out = new StringBuilder();
        event(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id + "\",\"type\":"
                + "\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":"
                + "null,\"stop_sequence\":null,\"usage\":" + startUsage(u, 1) + "}}");
        textBlock(out, 0, tools ? TEXT : "Runaway");
        if (tools) {
            event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                    + "{\"type\":\"tool_use\",\"id\":\"" + toolId + "\",\"name\":\"Bash\",\"input\":{}}}");
            event(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                    + "{\"type\":\"input_json_delta\",\"partial_json\":\"" + TOOL_INPUT.replace("\"", "\\\"")
                    + "\"}}");
            event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}");
        }
        event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\""
                + (tools ? "tool_use" : "end_turn") + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":"
                + u.output() + "}}");
        event(out, "message_stop", "{\"type\":\"message_stop\"}");
        return out.toString();
    }

    private static void textBlock(StringBuilder out, int index, String text) {
        event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        event(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
                + ",\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}");
        event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
    }

    private static void event(StringBuilder out, String name, String data) {
        out.append("event: ").append(name).append('\n').append("data: ").append(data).append("\n\n");
    }

    private static void send(HttpExchange exchange, int status, String type, String body, String requestId)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if (requestId != null) {
            exchange.getResponseHeaders().set("request-id", requestId);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
