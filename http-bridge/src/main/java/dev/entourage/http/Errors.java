package dev.entourage.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from failures to HTTP answers: each {@link ErrorCode} to its status, anything that is
 * not a {@link LedgerException} to a logged 500 {@code internal} whose body says nothing of the cause.
 */
final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private final LedgerJson json;

    Errors(LedgerJson json) {
        this.json = json;
    }

    static int status(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST -> 400;
            case UNAUTHENTICATED -> 401;
            case BUDGET_EXCEEDED -> 402;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case IDEMPOTENCY_MISMATCH -> 422;
            case RATE_LIMITED -> 429;
            case INTERNAL -> 500;
            case STORAGE_UNAVAILABLE -> 503;
        };
    }

    static int status(LedgerException e) {
        return e instanceof HttpFailure failure ? failure.status() : status(e.code());
    }

    /** The failure as a ledger exception fit for the client; unexpected ones are logged here, once. */
    static LedgerException forClient(Throwable failure, String method, String path) {
        if (failure instanceof LedgerException e) {
            if (e.code() == ErrorCode.INTERNAL || e.code() == ErrorCode.STORAGE_UNAVAILABLE) {
                LOG.warn("{} {} failed: {}", method, path, e.code().wireName(), e);
            }
            return e;
        }
        LOG.error("{} {} failed unexpectedly", method, path, failure);
        return internal();
    }

    static LedgerException internal() {
        return new LedgerException(ErrorCode.INTERNAL, "An internal error occurred; nothing was written. "
                + "Retry, or tell the operator.", Map.of(), null);
    }

    /** The error for a status that Jetty itself answers (malformed request, failing mounted servlet). */
    static LedgerException forStatus(int status) {
        return switch (status) {
            case 401 -> new LedgerException(ErrorCode.UNAUTHENTICATED, "Credentials are missing or invalid.");
            case 403 -> new LedgerException(ErrorCode.FORBIDDEN, "This is not allowed.");
            case 404 -> new LedgerException(ErrorCode.NOT_FOUND, "There is nothing here.");
            case 413, 414, 431 -> new HttpFailure(status, ErrorCode.PAYLOAD_TOO_LARGE, "The request is too large.",
                    Map.of(), Map.of());
            case 429 -> new LedgerException(ErrorCode.RATE_LIMITED, "Too many requests.");
            case 503 -> new HttpFailure(status, ErrorCode.STORAGE_UNAVAILABLE,
                    "The service is unavailable; retry soon.", Map.of(), Map.of());
            default -> status >= 400 && status < 500
                    ? new HttpFailure(status, ErrorCode.INVALID_REQUEST, "The request could not be read (HTTP " + status
                    + ").", Map.of(), Map.of())
                    : new HttpFailure(status >= 500 && status < 600 ? status : 500, ErrorCode.INTERNAL,
                    internal().getMessage(), Map.of(), Map.of());
        };
    }

    ObjectNode body(LedgerException e) {
        return json.error(e);
    }
}
