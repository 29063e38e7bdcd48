package dev.entourage.http.otlp;

/**
 * A request the receiver refuses as a whole, with the HTTP status to answer and a message for the exporter's
 * logs (never an exception's text). Nothing of the request is written.
 */
final class OtlpFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final boolean bodyUnread;

    private OtlpFailure(int status, String message, boolean bodyUnread) {
        super(message, null, false, false);
        this.status = status;
        this.bodyUnread = bodyUnread;
    }

    static OtlpFailure badRequest(String message) {
        return new OtlpFailure(400, message, false);
    }

    /** Refused before the body was read whole: the connection closes after the answer. */
    static OtlpFailure beforeBody(int status, String message) {
        return new OtlpFailure(status, message, true);
    }

    static OtlpFailure of(int status, String message) {
        return new OtlpFailure(status, message, false);
    }

    int status() {
        return status;
    }

    boolean bodyUnread() {
        return bodyUnread;
    }
}
