package dev.entourage.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A request whose body must arrive within {@link #TIMEOUT} of the request's start and be at most a given size:
 * a read past the deadline fails with {@link HttpBridge.BodyTimedOut}, a read past the size with
 * {@link HttpBridge.BodyTooLarge}. Each blocking
 * read is bounded by the connector's idle timeout, so a client trickling its body holds a thread for at most
 * the deadline plus one idle timeout.
 */
final class BodyDeadline extends HttpServletRequestWrapper {
    /** How long a request's whole body may take to arrive. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final long deadlineNanos;
    private final long maxBytes;
    private ServletInputStream in;
    private BufferedReader reader;

    BodyDeadline(HttpServletRequest request, long startNanos, long maxBytes) {
        super(request);
        this.deadlineNanos = startNanos + TIMEOUT.toNanos();
        this.maxBytes = maxBytes;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (in == null) {
            in = new Guarded(super.getInputStream());
        }
        return in;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (reader == null) {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            reader = new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
        return reader;
    }

    private final class Guarded extends ServletInputStream {
        private final ServletInputStream delegate;
        private long total;

        Guarded(ServletInputStream delegate) {
            this.delegate = delegate;
        }

        private int counted(int n) throws IOException {
            if (n > 0) {
                total += n;
                if (total > maxBytes) {
                    throw new HttpBridge.BodyTooLarge(maxBytes);
                }
            }
            if (n != -1 && System.nanoTime() - deadlineNanos > 0) {
                throw new HttpBridge.BodyTimedOut(TIMEOUT);
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            counted(b == -1 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return counted(delegate.read(buffer, offset, length));
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            delegate.setReadListener(listener);
        }
    }
}
