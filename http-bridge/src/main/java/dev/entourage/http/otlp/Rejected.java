package dev.entourage.http.otlp;

/** One log record or data point refused by a mapper; its message names the field and is safe to send back. */
final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rejected(String message) {
        super(message, null, false, false);
    }
}
