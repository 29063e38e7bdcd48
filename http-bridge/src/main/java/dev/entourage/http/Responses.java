package dev.entourage.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.LedgerException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Writing answers: JSON bodies, text bodies and the error shape, never cached. */
final class Responses {
    static final String JSON = "application/json";
    /** The most of an authenticated request's unread body that is read and dropped to keep its connection. */
    static final long MAX_DRAIN_BYTES = 4L << 20;
    /** The request attribute set once a route began reading the body. */
    static final String BODY_READ = "entourage.body-read";

    private Responses() {
    }

    /**
     * Leaves an unread request body unread: when a body may still be on its way, the connection is closed after
     * the answer ({@code Connection: close}) instead of reading it. A refused request (401, 429, 403) or a route
     * that did not want the body never waits for a client still sending one, so a client trickling a large body
     * cannot hold a thread.
     */
    static void closeIfBodyUnread(HttpServletRequest request, HttpServletResponse response) {
        boolean announced = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        if (!announced) {
            return;
        }
        if (request.getAttribute(BODY_READ) == null && "100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            // touching the stream would ask the client for its body (100 Continue)
            response.setHeader("Connection", "close");
            return;
        }
        try {
            if (request.getInputStream().isFinished()) {
                return;
            }
        } catch (IOException | IllegalStateException e) {
            // read through getReader, or broken: close either way
        }
        response.setHeader("Connection", "close");
    }

    /**
     * For an authenticated request: reads and drops what is left of the body (at most {@value #MAX_DRAIN_BYTES}
     * bytes, within the request's {@link BodyDeadline}) so that a client still sending it reads the answer and the
     * connection stays usable; past the limit, the deadline or a read error the connection is closed after the
     * answer. A client waiting for {@code 100 Continue} is not asked for its body.
     */
    static void drainBody(HttpServletRequest request, HttpServletResponse response) {
        long declared = request.getContentLengthLong();
        boolean announced = declared > 0 || request.getHeader("Transfer-Encoding") != null;
        if (!announced) {
            return;
        }
        if (declared > MAX_DRAIN_BYTES
                || request.getAttribute(BODY_READ) == null && "100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            response.setHeader("Connection", "close");
            return;
        }
        byte[] buffer = new byte[16_384];
        long total = 0;
        try {
            InputStream in = request.getInputStream();
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                if (total > MAX_DRAIN_BYTES) {
                    response.setHeader("Connection", "close");
                    return;
                }
            }
        } catch (IOException | IllegalStateException e) {
            response.setHeader("Connection", "close");
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void json(HttpServletResponse response, int status, JsonNode body) throws IOException {
        send(response, status, JSON, bytes(body));
    }

    static void text(HttpServletResponse response, int status, String contentType, String body) throws IOException {
        send(response, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A text body of unknown length, written as {@code stream} goes (chunked). A failure after the first bytes ends
     * the answer short: the status is sent already.
     */
    static void streamed(HttpServletResponse response, int status, String contentType, Reply.Stream stream)
            throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        java.io.Writer out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(response.getOutputStream(),
                StandardCharsets.UTF_8), 32 * 1024);
        stream.writeTo(out);
        out.flush();
    }

    static void error(HttpServletResponse response, Errors errors, LedgerException e) throws IOException {
        if (e instanceof HttpFailure failure) {
            failure.headers().forEach(response::setHeader);
        }
        json(response, Errors.status(e), errors.body(e));
    }

    private static void send(HttpServletResponse response, int status, String contentType, byte[] body)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType(contentType);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
