package dev.entourage.http.gateway;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Request bodies the gateway forwards: read whole (the hold is sized from them), at most 32 MB. */
final class Bodies {
    private Bodies() {
    }

    /** How much of a body over the limit is read and dropped, so the client reads the 413 rather than a reset. */
    static final long MAX_DRAINED_BYTES = 2L * Forwarder.MAX_BODY_BYTES;

    /**
     * The body of {@code request}.
     *
     * @throws LedgerException {@code payload_too_large} over {@value Forwarder#MAX_BODY_BYTES} bytes (the rest of
     *                         the body, up to {@link #MAX_DRAINED_BYTES}, is read and dropped),
     *                         {@code invalid_request} on {@code body} when it cannot be read
     */
    static byte[] read(HttpServletRequest request) {
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(Forwarder.MAX_BODY_BYTES + 1);
            if (body.length > Forwarder.MAX_BODY_BYTES) {
                long dropped = body.length;
                for (long n = in.skip(1 << 16); n > 0 && dropped < MAX_DRAINED_BYTES; n = in.skip(1 << 16)) {
                    dropped += n;
                }
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw LedgerException.invalid("body", "could not be read");
        }
    }

    private static LedgerException tooLarge() {
        return new LedgerException(ErrorCode.PAYLOAD_TOO_LARGE, "body: must be at most 32 MB", Map.of(), null);
    }
}
