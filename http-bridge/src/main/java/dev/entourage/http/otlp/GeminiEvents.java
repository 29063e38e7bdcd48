package dev.entourage.http.otlp;

import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.capture.CapturedError;

/**
 * Gemini CLI's log events: {@code gemini_cli.api_response} is one model call, {@code gemini_cli.api_error} one
 * failed call. The session is {@code session.id}. Gemini sends tokens only: no dollars (priced by our table).
 */
final class GeminiEvents {
    static final String API_RESPONSE = "gemini_cli.api_response";
    static final String API_ERROR = "gemini_cli.api_error";
    private static final String SESSION = "session.id";

    private GeminiEvents() {
    }

    /**
     * The call. Gemini counts cached tokens inside {@code input_token_count} (its {@code promptTokenCount}), so they
     * are taken out of input and counted as cache reads; thoughts are billed as output and are not part of
     * {@code output_token_count}, so {@code thoughts_token_count} is added to output; tool-use prompt tokens
     * ({@code tool_token_count}) are billed as input and added to it. The event id is derived from the record.
     */
    static CapturedCall call(LogEvent event) {
        Attributes a = event.attributes();
        long input = a.count("input_token_count");
        long cached = a.part("cached_content_token_count", input, "input_token_count");
        TokenCounts tokens = new TokenCounts(input - cached + a.count("tool_token_count"),
                a.count("output_token_count") + a.count("thoughts_token_count"), 0, 0, cached);
        return new CapturedCall(event.origin(CaptureSource.GEMINI, SESSION), event.derivedId(CaptureSource.GEMINI),
                event.occurredAt(), event.text("model"), tokens, null, null, null, null);
    }

    static CapturedError error(LogEvent event) {
        Attributes a = event.attributes();
        return new CapturedError(event.origin(CaptureSource.GEMINI, SESSION), event.occurredAt(), a.text("model"),
                a.text("error"));
    }
}
