package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entourage.ledger.TokenCounts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The reading every provider's {@link StreamTally} shares: an answer's bytes split into SSE lines as they pass, each
 * {@code data:} line's JSON handed to {@link #event}, or kept whole (up to {@link #MAX_MESSAGE_BYTES}) and handed to
 * {@link #body} once the answer ended. Not thread-safe: one per answer.
 */
abstract class AnswerTally implements StreamTally {
    /** The most of a non-streamed answer kept to read its usage. */
    static final int MAX_MESSAGE_BYTES = Forwarder.MAX_BODY_BYTES;
    private static final ObjectMapper JSON = new ObjectMapper();

    private boolean stream;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean overflow;

    /** One JSON event of a stream (a {@code data:} line that parses; {@code [DONE]} and the like do not). */
    abstract void event(JsonNode event);

    /** The JSON of a whole answer, or null when it did not parse. */
    abstract void body(JsonNode body);

    /** Reads the answer as SSE when its {@code Content-Type} is {@code text/event-stream}, else as one body. */
    @Override
    public final void expect(String contentType) {
        stream = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    }

    /** Reads the next bytes of the answer. */
    @Override
    public final void feed(byte[] bytes, int offset, int length) {
        if (!stream) {
            if (pending.size() + length > MAX_MESSAGE_BYTES) {
                overflow = true;
            } else {
                pending.write(bytes, offset, length);
            }
            return;
        }
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n') {
                line(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            } else if (pending.size() < MAX_MESSAGE_BYTES) {
                pending.write(bytes[i]);
            }
        }
    }

    /** Reads what is left once the answer ended; a whole body is read here (not one cut at the limit). */
    @Override
    public final void finish() {
        if (stream) {
            if (pending.size() > 0) {
                line(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            }
        } else if (!overflow) {
            body(parse(pending.toString(StandardCharsets.UTF_8)));
        }
    }

    private void line(String line) {
        if (line.startsWith("data:")) {
            JsonNode event = parse(line.substring(5).strip());
            if (event != null) {
                event(event);
            }
        }
    }

    /** {@code node.field} as a count (0 to {@link TokenCounts#MAX_TOKENS}), else {@code otherwise}. */
    static long count(JsonNode node, String field, long otherwise) {
        JsonNode value = node.path(field);
        return value.canConvertToLong() && value.asLong() >= 0
                ? Math.min(value.asLong(), TokenCounts.MAX_TOKENS) : otherwise;
    }

    /** {@code node} as non-blank text, else {@code otherwise}. */
    static String text(JsonNode node, String otherwise) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : otherwise;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
