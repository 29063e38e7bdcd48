package dev.entourage.ledger.capture;

import dev.entourage.ledger.LedgerException;
import java.util.Locale;

/** Which coding agent's telemetry or hooks something came from. */
public enum CaptureSource {
    CLAUDE_CODE, CODEX, GEMINI;

    /** {@code claude_code}, {@code codex} or {@code gemini}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The source of a wire name.
     *
     * @throws LedgerException {@code invalid_request} naming {@code source} for anything else
     */
    public static CaptureSource fromWire(String wire) {
        for (CaptureSource source : values()) {
            if (source.wireName().equals(wire)) {
                return source;
            }
        }
        throw LedgerException.invalid("source", "must be one of claude_code, codex, gemini");
    }
}
