package dev.entourage.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Stands between stdin and the MCP stdio transport. Lines that are JSON-RPC messages pass through; any other
 * line is answered on stdout with a JSON-RPC error ({@code -32700} parse error or {@code -32600} invalid
 * request) instead of closing the session, as the transport would. End of input is signalled to
 * {@code onEnd} so the process can exit promptly.
 */
final class JsonRpcLineGuard extends InputStream {
    private final BufferedReader reader;
    private final OutputStream out;
    private final Runnable onEnd;
    private byte[] line = new byte[0];
    private int position;
    private boolean ended;

    /**
     * @param out the transport's output stream; replies are written while holding its monitor, as the
     *            transport's own writes are
     */
    JsonRpcLineGuard(InputStream in, OutputStream out, Runnable onEnd) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = Objects.requireNonNull(out, "out");
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
            String next = reader.readLine();
            if (next == null) {
                ended = true;
                onEnd.run();
                return false;
            }
            if (accept(next)) {
                line = (next + "\n").getBytes(StandardCharsets.UTF_8);
                position = 0;
            }
        }
        return true;
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
        boolean valid = message.isObject() && "2.0".equals(message.path("jsonrpc").asText(null))
                && (message.hasNonNull("method") || message.has("result") || message.has("error"));
        if (!valid) {
            JsonNode id = message.isObject() ? message.get("id") : null;
            reply(id, -32600, "Invalid Request: expected a JSON-RPC 2.0 message");
        }
        return valid;
    }

    private void reply(JsonNode id, int code, String text) throws IOException {
        ObjectNode error = Json.mapper().createObjectNode();
        error.put("jsonrpc", "2.0");
        error.set("id", id == null || !(id.isTextual() || id.isIntegralNumber()) ? null : id);
        error.putObject("error").put("code", code).put("message", text);
        byte[] bytes = (Json.mapper().writeValueAsString(error) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }
}
