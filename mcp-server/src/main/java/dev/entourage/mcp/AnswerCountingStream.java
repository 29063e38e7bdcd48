package dev.entourage.mcp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.entourage.http.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The sidecar's stdout as the MCP transport sees it: passes every byte through and counts the JSON-RPC
 * answers (messages with {@code result} or {@code error}) whose line has been written and flushed, so the
 * reader can hold end of input back until every request has its answer. Writers lock this object, as the
 * transport does; {@link #writeUncounted} writes a line of the guard's own.
 */
final class AnswerCountingStream extends OutputStream {
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long complete;
    private long answered;

    AnswerCountingStream(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        int from = offset;
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n') {
                pending.write(bytes, from, i - from);
                if (isAnswer(pending.toByteArray())) {
                    complete++;
                }
                pending.reset();
                from = i + 1;
            }
        }
        pending.write(bytes, from, offset + length - from);
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
        answered = complete;
        notifyAll();
    }

    /** Writes and flushes one line that is not counted as an answer to a forwarded request. */
    synchronized void writeUncounted(byte[] line) throws IOException {
        out.write(line);
        out.flush();
    }

    /**
     * Waits until at least {@code count} answers are written and flushed, or until {@code timeoutMillis} pass.
     *
     * @return whether they were
     */
    synchronized boolean awaitAnswers(long count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (answered < count) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private static boolean isAnswer(byte[] line) {
        try (JsonParser parser = Json.mapper().getFactory().createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (name.equals("method")) {
                    return false;
                }
                if (name.equals("result") || name.equals("error")) {
                    return true;
                }
                parser.nextToken();
                parser.skipChildren();
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
