package dev.entourage.ledger.capture;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Text;
import java.time.Instant;

/** An API error seen in telemetry ({@code claude_code.api_error}): counted on the session. */
public record CapturedError(CaptureOrigin origin, Instant occurredAt, String model, String error) {
    public CapturedError {
        if (origin == null) {
            throw LedgerException.invalid("session.id", "is required");
        }
        if (occurredAt == null) {
            throw LedgerException.invalid("event.timestamp", "is required");
        }
        model = Text.optional("model", model, 200);
        error = Text.optional("error", error == null || error.length() <= 500 ? error : error.substring(0, 500), 500);
    }
}
