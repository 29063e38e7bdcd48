package dev.entourage.ledger;

import java.util.Map;
import java.util.Objects;

/**
 * The one unchecked exception root of Entourage. Its message is written for the caller (a person or a
 * model) and never carries internal text such as SQL; {@link #details()} holds machine-readable extras,
 * e.g. {@code field} for invalid input.
 */
public class LedgerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Map<String, Object> details;

    public LedgerException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public LedgerException(ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.details = Map.copyOf(details);
    }

    public static LedgerException invalid(String field, String message) {
        return new LedgerException(ErrorCode.INVALID_REQUEST, field + ": " + message, Map.of("field", field), null);
    }

    public static LedgerException notFound(String field, String message) {
        return new LedgerException(ErrorCode.NOT_FOUND, field + ": " + message, Map.of("field", field), null);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }
}
