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
    /** The most of an unread or refused body that is read and dropped to keep the connection usable. */
    static final long MAX_DISCARD_BYTES = 4L << 20;

    private Responses() {
    }

    /**
     * Reads and drops what is left of the request body (at most {@value #MAX_DISCARD_BYTES} bytes) before an
     * answer is written. A client still sending its body then reads the answer, and the connection stays
     * usable; past the limit the connection is closed after the answer ({@code Connection: close}). A client
     * that announced a body over {@value Call#MAX_BODY_BYTES} bytes and waits for {@code 100 Continue} is not
     * asked for it: it gets the answer at once.
     */
    static void discardBody(HttpServletRequest request, HttpServletResponse response) {
        long declared = request.getContentLengthLong();
        boolean waitsForContinue = "100-continue".equalsIgnoreCase(request.getHeader("Expect"));
        if (declared > MAX_DISCARD_BYTES || waitsForContinue && declared > Call.MAX_BODY_BYTES) {
            response.setHeader("Connection", "close");
            return;
        }
        byte[] buffer = new byte[declared >= 0 && declared < 16_384 ? (int) declared + 1 : 16_384];
        long total = 0;
        try {
            InputStream in = request.getInputStream();
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                if (total > MAX_DISCARD_BYTES) {
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
