package dev.entourage.mcp;

import dev.entourage.http.HttpBridge;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** A request whose body was read whole beforehand (at most {@link HttpBridge#MAX_BODY_BYTES} bytes). */
final class ReadBody extends HttpServletRequestWrapper {
    private final byte[] body;
    private final ServletInputStream in;

    private ReadBody(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
        ByteArrayInputStream bytes = new ByteArrayInputStream(body);
        this.in = new ServletInputStream() {
            @Override
            public int read() {
                return bytes.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                return bytes.read(buffer, offset, length);
            }

            @Override
            public boolean isFinished() {
                return bytes.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new IllegalStateException("the body was read already");
            }
        };
    }

    /**
     * The request with its body read, or null when the body is over the limit.
     *
     * @throws HttpBridge.BodyTimedOut when it did not arrive in time
     * @throws IOException             when it cannot be read (the client went away)
     */
    static HttpServletRequest of(HttpServletRequest request) throws IOException {
        InputStream source = request.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        try {
            for (int n; (n = source.read(buffer)) != -1; ) {
                total += n;
                if (total > HttpBridge.MAX_BODY_BYTES) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
        } catch (HttpBridge.BodyTooLarge e) {
            return null;
        }
        return new ReadBody(request, out.toByteArray());
    }

    @Override
    public ServletInputStream getInputStream() {
        return in;
    }

    @Override
    public BufferedReader getReader() {
        String encoding = getCharacterEncoding();
        Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        return new BufferedReader(new InputStreamReader(in, charset));
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }
}
