package dev.entourage.http;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import java.util.Map;

/**
 * A failure of the HTTP layer itself whose status is not the usual one for its code: 405 (wrong method),
 * 415 (not JSON), 501 (a route of a later version). Its body is the ordinary error shape.
 */
final class HttpFailure extends LedgerException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, String> headers;

    HttpFailure(int status, ErrorCode code, String message, Map<String, Object> details, Map<String, String> headers) {
        super(code, message, details, null);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    static HttpFailure unsupportedMediaType(String contentType) {
        return new HttpFailure(415, ErrorCode.INVALID_REQUEST, "body: must be JSON: send Content-Type: "
                + "application/json" + (contentType == null ? "" : " (not " + printable(contentType) + ")"),
                Map.of("field", "body"), Map.of());
    }

    static HttpFailure methodNotAllowed(String method, String path, String allow) {
        return new HttpFailure(405, ErrorCode.INVALID_REQUEST, "method " + printable(method) + " is not allowed on "
                + printable(path) + "; allowed: " + allow, Map.of(), Map.of("Allow", allow));
    }

    static HttpFailure notAvailable(String route) {
        return new HttpFailure(501, ErrorCode.INVALID_REQUEST, route + " is not available in this version",
                Map.of(), Map.of());
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }

    /** Caller-supplied text made safe to quote in a message: printable ASCII, at most 100 characters. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(100).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return text.length() > 100 ? out + "…" : out.toString();
    }
}
