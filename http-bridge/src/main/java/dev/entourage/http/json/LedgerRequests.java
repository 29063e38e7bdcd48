package dev.entourage.http.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.PriceModifiers;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReport;
import java.util.Set;

/** Decodes request bodies and tool arguments into ledger commands, strictly (see {@link Fields}). */
public final class LedgerRequests {
    /** Fields of a usage report, as REST bodies and the MCP tool take them. */
    public static final Set<String> USAGE_FIELDS = Set.of("session_id", "input_tokens", "output_tokens",
            "cache_creation_input_tokens", "cache_creation_1h_input_tokens", "cache_read_input_tokens", "cost_usd",
            "model", "event_id", "hold_id", "service_tier", "speed", "inference_geo");

    private LedgerRequests() {
    }

    /** The session and task named by a start request. */
    public record StartSession(Long taskId, String model) {
    }

    public static StartSession startSession(JsonNode body) {
        Fields fields = Fields.of(body, Set.of("task_id", "model"));
        return new StartSession(fields.optionalId("task_id"), fields.optionalString("model"));
    }

    /**
     * A usage report. {@code input_tokens} and {@code output_tokens} are required; the rest are optional, among
     * them the price modifiers {@code service_tier}, {@code speed} and {@code inference_geo} ({@link PriceModifiers}).
     *
     * @param defaultSessionId the session to use when the body names none (the path's, or the sidecar's open
     *                         one); null when there is none
     */
    public static UsageReport usage(JsonNode body, Long defaultSessionId) {
        Fields fields = Fields.of(body, USAGE_FIELDS);
        Long sessionId = fields.optionalId("session_id");
        if (sessionId == null) {
            sessionId = defaultSessionId;
        }
        if (sessionId == null) {
            throw LedgerException.invalid("session_id", "is required: no session is open; call start_session first");
        }
        TokenCounts tokens = new TokenCounts(
                fields.requiredLong("input_tokens", 0, TokenCounts.MAX_TOKENS),
                fields.requiredLong("output_tokens", 0, TokenCounts.MAX_TOKENS),
                tokensOrZero(fields, "cache_creation_input_tokens"),
                tokensOrZero(fields, "cache_creation_1h_input_tokens"),
                tokensOrZero(fields, "cache_read_input_tokens"));
        PriceModifiers modifiers = new PriceModifiers(fields.optionalString("service_tier"),
                fields.optionalString("speed"), fields.optionalString("inference_geo"));
        return new UsageReport(sessionId, tokens, fields.optionalDollars("cost_usd", Money.MAX_REPORTED_MICROS),
                fields.optionalString("model"), fields.optionalString("event_id"), fields.optionalString("hold_id"),
                modifiers);
    }

    private static long tokensOrZero(Fields fields, String field) {
        Long value = fields.optionalLong(field, 0, TokenCounts.MAX_TOKENS);
        return value == null ? 0 : value;
    }

    /** The task named by a budget check, or null. */
    public static Long budgetTask(JsonNode body) {
        return Fields.of(body, Set.of("task_id")).optionalId("task_id");
    }

    /**
     * A budget check: the task (or null) and the estimate to reserve (or null for a plain check).
     *
     * @param estimateMicros null when no {@code estimated_cost_usd} was given
     */
    public record BudgetCheck(Long taskId, Long estimateMicros) {
    }

    /** The MCP {@code check_budget} arguments: {@code task_id?}, {@code estimated_cost_usd?}. */
    public static BudgetCheck budgetCheck(JsonNode body) {
        Fields fields = Fields.of(body, Set.of("task_id", "estimated_cost_usd"));
        return new BudgetCheck(fields.optionalId("task_id"),
                fields.optionalDollars("estimated_cost_usd", Money.MAX_REPORTED_MICROS));
    }

    /** A REST reservation {@code {"estimated_cost_usd", "task_id"?}}: the estimate is required. */
    public static BudgetCheck hold(JsonNode body) {
        BudgetCheck check = budgetCheck(body);
        if (check.estimateMicros() == null) {
            throw LedgerException.invalid("estimated_cost_usd", "is required: the dollars to reserve, e.g. 0.40");
        }
        return check;
    }

    /** The session named by an end request, or {@code defaultSessionId}. */
    public static Long endSession(JsonNode body, Long defaultSessionId) {
        Long sessionId = Fields.of(body, Set.of("session_id")).optionalId("session_id");
        if (sessionId == null) {
            sessionId = defaultSessionId;
        }
        if (sessionId == null) {
            throw LedgerException.invalid("session_id", "is required: no session is open");
        }
        return sessionId;
    }
}
