package dev.entourage.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Reads newline-terminated lines from a byte stream in fixed chunks, holding at most {@code maxBytes} of a
 * line: the rest of a longer line is read and dropped, so a huge line costs time, never memory.
 */
final class BoundedLines {
    /** One line without its terminator ({@code \n} or {@code \r\n}); {@code bytes} is empty when too long. */
    record Line(byte[] bytes, boolean tooLong) {
        Line {
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] chunk = new byte[8192];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int start;
    private int end;

    BoundedLines(InputStream in, int maxBytes) {
        this.in = Objects.requireNonNull(in, "in");
        this.maxBytes = maxBytes;
    }

    /** The next line, or {@code null} at end of input (a last line without terminator still counts). */
    Line next() throws IOException {
        line.reset();
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (start >= end) {
                end = in.read(chunk);
                start = 0;
                if (end <= 0) {
                    end = 0;
                    return any ? finish(tooLong) : null;
                }
            }
            any = true;
            int newline = indexOfNewline();
            int stop = newline < 0 ? end : newline;
            if (!tooLong) {
                if (line.size() + stop - start > maxBytes + 1) {
                    tooLong = true;
                    line.reset();
                } else {
                    line.write(chunk, start, stop - start);
                }
            }
            start = newline < 0 ? end : newline + 1;
            if (newline >= 0) {
                return finish(tooLong);
            }
        }
    }

    private int indexOfNewline() {
        for (int i = start; i < end; i++) {
            if (chunk[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private Line finish(boolean tooLong) {
        if (tooLong) {
            return new Line(new byte[0], true);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        if (length > maxBytes) {
            return new Line(new byte[0], true);
        }
        return new Line(length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length), false);
    }
}
