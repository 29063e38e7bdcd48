package dev.entourage.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.Json;
import dev.entourage.http.json.SessionSchemas;
import dev.entourage.ledger.PriceModifiers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON Schemas of the four tools: their inputs, written here, and their outputs, taken from {@link SessionSchemas}
 * (the schemas of the shapes the encoders write), so an answer and its declared schema cannot drift apart.
 */
final class ToolSchemas {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private ToolSchemas() {
    }

    static Map<String, Object> startSessionInput() {
        return object(props(
                "task_id", id("The task this session works on (its cap applies). Default: the sidecar's --task."),
                "model", string("The model id, e.g. claude-sonnet-4-20250514; used to price usage reported "
                        + "without cost_usd. Default: the sidecar's --model.")), List.of());
    }

    static Map<String, Object> reportUsageInput() {
        return object(props(
                "session_id", id("Default: the session this sidecar started last."),
                "input_tokens", tokens("Input tokens of the model call, excluding cached tokens."),
                "output_tokens", tokens("Output tokens of the model call."),
                "cache_creation_input_tokens", tokens("Tokens written to the prompt cache (5-minute and 1-hour)."),
                "cache_creation_1h_input_tokens", tokens("The part of cache_creation_input_tokens written to "
                        + "the 1-hour cache."),
                "cache_read_input_tokens", tokens("Tokens read from the prompt cache."),
                "cost_usd", money("The call's cost in dollars if known; otherwise it is priced from the model."),
                "model", string("The model of this call, if not the session's."),
                "event_id", string("A unique id for this report; repeat it when retrying so it counts once."),
                "hold_id", string("The hold_id check_budget returned for this step: settles that reservation."),
                "service_tier", oneOf(PriceModifiers.SERVICE_TIERS, "The service tier the call ran on "
                        + "(the provider's usage.service_tier); priced with its multiplier. Default: standard."),
                "speed", oneOf(PriceModifiers.SPEEDS, "fast for fast mode (usage.speed); normal = standard. "
                        + "Default: standard."),
                "inference_geo", string("Where inference ran when the provider prices it (usage.inference_geo), "
                        + "e.g. us or eu; global or not_available for none. Default: none.")),
                List.of("input_tokens", "output_tokens"));
    }

    static Map<String, Object> checkBudgetInput() {
        return object(props(
                "task_id", id("Check this task's cap. Default: the open session's task."),
                "estimated_cost_usd", money("What the next step will likely cost, in dollars: reserves it when it "
                        + "fits (answer has hold_id), else fails with budget_exceeded.")), List.of());
    }

    static Map<String, Object> endSessionInput() {
        return object(props("session_id", id("Default: the session this sidecar started last.")), List.of());
    }

    /** The output of {@code check_budget}: the budget, plus the hold when an estimate was reserved. */
    static Map<String, Object> checkBudgetOutput() {
        return map(SessionSchemas.checkBudgetAnswer());
    }

    /** The output of {@code end_session}: the session. */
    static Map<String, Object> session() {
        return map(SessionSchemas.session());
    }

    static Map<String, Object> startSessionOutput() {
        return map(SessionSchemas.sessionStart());
    }

    static Map<String, Object> reportUsageOutput() {
        return map(SessionSchemas.usage());
    }

    private static Map<String, Object> map(ObjectNode schema) {
        return Json.mapper().convertValue(schema, MAP);
    }

    private static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        schema.put("additionalProperties", false);
        return schema;
    }

    private static Map<String, Object> props(Object... namesAndSchemas) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (int i = 0; i < namesAndSchemas.length; i += 2) {
            props.put((String) namesAndSchemas[i], namesAndSchemas[i + 1]);
        }
        return props;
    }

    private static Map<String, Object> id(String description) {
        return Map.of("type", "integer", "minimum", 1, "description", description);
    }

    private static Map<String, Object> tokens(String description) {
        return Map.of("type", "integer", "minimum", 0, "maximum", 1_000_000_000, "description", description);
    }

    private static Map<String, Object> money(String description) {
        return Map.of("type", "number", "minimum", 0, "maximum", 10_000, "description", description);
    }

    private static Map<String, Object> oneOf(List<String> values, String description) {
        return Map.of("type", "string", "enum", values, "description", description);
    }

    private static Map<String, Object> string(String description) {
        return Map.of("type", "string", "maxLength", 200, "description", description);
    }
}
