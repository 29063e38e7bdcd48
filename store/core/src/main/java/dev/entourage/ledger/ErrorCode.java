package dev.entourage.ledger;

/** Machine-readable codes for every failure the ledger reports; each edge maps them once. */
public enum ErrorCode {
    INVALID_REQUEST("invalid_request"),
    UNAUTHENTICATED("unauthenticated"),
    FORBIDDEN("forbidden"),
    NOT_FOUND("not_found"),
    CONFLICT("conflict"),
    IDEMPOTENCY_MISMATCH("idempotency_mismatch"),
    BUDGET_EXCEEDED("budget_exceeded"),
    RATE_LIMITED("rate_limited"),
    PAYLOAD_TOO_LARGE("payload_too_large"),
    STORAGE_UNAVAILABLE("storage_unavailable"),
    INTERNAL("internal");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The code as it appears in JSON error bodies and MCP tool errors. */
    public String wireName() {
        return wireName;
    }
}
