package dev.entourage.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.Json;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Stands between stdin and the MCP stdio transport. A line passes only if the transport can read it as a
 * JSON-RPC message (the SDK's own deserializer decides, so a request whose {@code id} is {@code null},
 * {@code true}, {@code 1.5} or an object never reaches it); any other line, and any line over
 * {@value #MAX_LINE_BYTES} bytes (read in chunks, never held whole), is answered on stdout with a JSON-RPC
 * error ({@code -32700} parse error or {@code -32600} invalid request) and the session goes on. At end of
 * input the transport is told only once every forwarded request has its answer written (at most
 * {@link #ANSWER_WAIT}); then {@code onEnd} runs so the process can exit.
 */
final class JsonRpcLineGuard extends InputStream {
    /** The longest line accepted, as for REST bodies: 1 MiB. */
    static final int MAX_LINE_BYTES = 1 << 20;
    /** How long end of input waits for the answers of requests already forwarded. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(5);

    private final BoundedLines lines;
    private final AnswerCountingStream out;
    private final McpJsonMapper mapper;
    private final Runnable onEnd;
    private byte[] line = new byte[0];
    private int position;
    private boolean ended;
    private long forwardedRequests;

    /**
     * @param out the transport's output stream; the guard's replies are written under its monitor, as the
     *            transport's own writes are
     */
    JsonRpcLineGuard(InputStream in, AnswerCountingStream out, McpJsonMapper mapper, Runnable onEnd) {
        this.lines = new BoundedLines(in, MAX_LINE_BYTES);
        this.out = Objects.requireNonNull(out, "out");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.onEnd = Objects.requireNonNull(onEnd, "onEnd");
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return line[position++] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int count = Math.min(length, line.length - position);
        System.arraycopy(line, position, buffer, offset, count);
        position += count;
        return count;
    }

    private boolean fill() throws IOException {
        while (position >= line.length) {
            if (ended) {
                return false;
            }
            BoundedLines.Line next = lines.next();
            if (next == null) {
                ended = true;
                awaitAnswers();
                onEnd.run();
                return false;
            }
            if (next.tooLong()) {
                reply(null, -32600, "Invalid Request: the line is longer than " + MAX_LINE_BYTES + " bytes");
                continue;
            }
            String text = new String(next.bytes(), StandardCharsets.UTF_8);
            if (accept(text)) {
                line = (text + "\n").getBytes(StandardCharsets.UTF_8);
                position = 0;
            }
        }
        return true;
    }

    private void awaitAnswers() throws IOException {
        try {
            out.awaitAnswers(forwardedRequests, ANSWER_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the last answers were written");
        }
    }

    private boolean accept(String text) throws IOException {
        if (text.isBlank()) {
            return false;
        }
        JsonNode message;
        try {
            message = Json.mapper().readTree(text);
        } catch (IOException e) {
            reply(null, -32700, "Parse error: the line is not valid JSON");
            return false;
        }
        boolean valid = message != null && message.isObject()
                && "2.0".equals(message.path("jsonrpc").asText(null))
                && (message.hasNonNull("method") || message.has("result") || message.has("error"))
                && readable(text);
        if (!valid) {
            JsonNode id = message != null && message.isObject() ? message.get("id") : null;
            reply(id, -32600, "Invalid Request: expected a JSON-RPC 2.0 message with a string or integer id");
            return false;
        }
        if (message.has("method") && message.has("id")) {
            forwardedRequests++;
        }
        return true;
    }

    private boolean readable(String text) {
        try {
            McpSchema.deserializeJsonRpcMessage(mapper, text);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void reply(JsonNode id, int code, String text) throws IOException {
        ObjectNode error = Json.mapper().createObjectNode();
        error.put("jsonrpc", "2.0");
        error.set("id", id == null || !(id.isTextual() || id.isIntegralNumber()) ? null : id);
        error.putObject("error").put("code", code).put("message", text);
        out.writeUncounted((Json.mapper().writeValueAsString(error) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
