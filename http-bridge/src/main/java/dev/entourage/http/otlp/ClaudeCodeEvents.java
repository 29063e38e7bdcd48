package dev.entourage.http.otlp;

import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.capture.CapturedError;

/**
 * Claude Code's log events ({@code service.name=claude-code}, scope {@code com.anthropic.claude_code.events}):
 * {@code claude_code.api_request} is one model call with Claude Code's own dollars, {@code claude_code.api_error}
 * one failed call. The session is {@code session.id}.
 */
final class ClaudeCodeEvents {
    static final String API_REQUEST = "claude_code.api_request";
    static final String API_ERROR = "claude_code.api_error";
    private static final String SESSION = "session.id";

    private ClaudeCodeEvents() {
    }

    /**
     * The call: event id {@code request_id}, else {@code client_request_id}, else derived from the record; tokens as
     * sent (Claude Code counts the Anthropic way; the 1-hour part of the cache write from
     * {@code cache_creation_1h_tokens}, sent by 2.1.332, older builds send no split); dollars from
     * {@code cost_usd_micros}, else {@code cost_usd} converted exactly.
     */
    static CapturedCall call(LogEvent event) {
        Attributes a = event.attributes();
        String id = a.text("request_id");
        if (id == null) {
            id = a.text("client_request_id");
        }
        if (id == null) {
            id = event.derivedId(CaptureSource.CLAUDE_CODE);
        }
        long cacheWrite = a.count("cache_creation_tokens");
        long cacheWrite1h = a.part("cache_creation_1h_tokens", cacheWrite, "cache_creation_tokens");
        TokenCounts tokens = new TokenCounts(a.count("input_tokens"), a.count("output_tokens"), cacheWrite,
                cacheWrite1h, a.count("cache_read_tokens"));
        Long micros = a.wholeNumber("cost_usd_micros");
        if (micros != null && micros < 0) {
            throw new Rejected("cost_usd_micros: must not be negative");
        }
        if (micros == null) {
            micros = a.dollarsAsMicros("cost_usd");
        }
        return new CapturedCall(event.origin(CaptureSource.CLAUDE_CODE, SESSION), id, event.occurredAt(),
                a.text("model"), tokens, micros, a.text("speed"), a.text("query_source"), a.text("agent.name"));
    }

    static CapturedError error(LogEvent event) {
        Attributes a = event.attributes();
        String error = a.text("error");
        String status = a.text("status_code");
        if (status != null) {
            error = error == null ? "HTTP " + status : error + " (HTTP " + status + ")";
        }
        return new CapturedError(event.origin(CaptureSource.CLAUDE_CODE, SESSION), event.occurredAt(),
                a.text("model"), error);
    }
}
