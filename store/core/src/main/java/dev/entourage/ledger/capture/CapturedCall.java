package dev.entourage.ledger.capture;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Text;
import dev.entourage.ledger.TokenCounts;
import java.time.Instant;

/**
 * One model call seen in a coding agent's telemetry.
 *
 * @param eventId            {@code request_id}, else {@code client_request_id}, else a stable id the mapper derives
 *                           (source + session + sequence); the idempotency key per agent exactly as
 *                           {@code report_usage}'s {@code event_id} (a re-sent batch counts once)
 * @param tokens             counted the Anthropic way (input excludes cached; the mapper subtracts cached tokens from
 *                           input for Codex/Gemini, and adds Gemini thoughts / Codex reasoning to output when the
 *                           provider bills them as output)
 * @param reportedCostMicros Claude Code's {@code cost_usd_micros} (else round(cost_usd × 10^6)): charged as
 *                           {@code cost_source "reported"}, our table's price stored beside it; null → priced by our
 *                           table ({@code "priced"}, {@code "estimated"} or {@code "unpriced"})
 * @param speed              optional label kept on the event, as are {@code querySource} and {@code subagent}
 *                           ({@code agent.name}); priced as a modifier
 * @param serviceTier        the service tier the provider says it served the call at ({@code batch},
 *                           {@code priority}, {@code flex}…), or null for standard; priced as a modifier and kept
 * @param inferenceGeo       where the provider says inference ran ({@code us}…), or null; priced and kept
 */
public record CapturedCall(CaptureOrigin origin, String eventId, Instant occurredAt, String model, TokenCounts tokens,
                           Long reportedCostMicros, String speed, String querySource, String subagent,
                           String serviceTier, String inferenceGeo) {
    /** A call the provider served at the standard tier with no inference geography. */
    public CapturedCall(CaptureOrigin origin, String eventId, Instant occurredAt, String model, TokenCounts tokens,
                        Long reportedCostMicros, String speed, String querySource, String subagent) {
        this(origin, eventId, occurredAt, model, tokens, reportedCostMicros, speed, querySource, subagent, null,
                null);
    }

    public CapturedCall {
        if (origin == null) {
            throw LedgerException.invalid("session.id", "is required");
        }
        eventId = Text.required("request_id", eventId, 200);
        if (occurredAt == null) {
            throw LedgerException.invalid("event.timestamp", "is required");
        }
        model = Text.optional("model", model, 200);
        if (tokens == null) {
            throw LedgerException.invalid("input_tokens", "is required");
        }
        if (reportedCostMicros != null && reportedCostMicros < 0) {
            throw LedgerException.invalid("cost_usd", "must not be negative");
        }
        speed = Text.optional("speed", speed, 100);
        querySource = Text.optional("query_source", querySource, 100);
        subagent = Text.optional("agent.name", subagent, 200);
        serviceTier = Text.optional("service_tier", serviceTier, 100);
        inferenceGeo = Text.optional("inference_geo", inferenceGeo, 100);
    }
}
