package dev.entourage.http.otlp;

import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.CapturedCall;

/**
 * Codex CLI's log events ({@code service.name} {@code codex_exec}/{@code codex_tui}/{@code codex_cli_rs}):
 * {@code codex.sse_event} with {@code event.kind=response.completed} is one model call. The session is
 * {@code conversation.id}. Codex sends tokens only: no dollars (priced by our table) and no cache-write count.
 */
final class CodexEvents {
    static final String SSE_EVENT = "codex.sse_event";
    private static final String SESSION = "conversation.id";

    private CodexEvents() {
    }

    /** Whether the event is a completed response (the others carry no usage). */
    static boolean isCall(LogEvent event) {
        return "response.completed".equals(event.attributes().text("event.kind"));
    }

    /**
     * The call. OpenAI counts cached tokens inside {@code input_token_count}, so they are taken out of input and
     * counted as cache reads; its {@code output_token_count} already includes the reasoning tokens (the Responses
     * API's {@code output_tokens_details.reasoning_tokens} is a part of {@code output_tokens}), so
     * {@code reasoning_token_count} is not added again. The event id is derived from the record (Codex sends none).
     */
    static CapturedCall call(LogEvent event) {
        Attributes a = event.attributes();
        long input = a.count("input_token_count");
        long cached = a.part("cached_token_count", input, "input_token_count");
        TokenCounts tokens = new TokenCounts(input - cached, a.count("output_token_count"), 0, 0, cached);
        return new CapturedCall(event.origin(CaptureSource.CODEX, SESSION), event.derivedId(CaptureSource.CODEX),
                event.occurredAt(), event.text("model"), tokens, null, null, null, null);
    }
}
