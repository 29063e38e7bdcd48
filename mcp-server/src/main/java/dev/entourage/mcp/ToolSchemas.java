package dev.entourage.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON Schemas of the four tools' inputs and outputs, composed from a few shared parts. */
final class ToolSchemas {
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
                "hold_id", string("The hold_id check_budget returned for this step: settles that reservation.")),
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

    static Map<String, Object> budget() {
        Map<String, Object> violation = object(props(
                "scope", Map.of("type", "string", "enum",
                        List.of("agent_daily", "task", "team_daily", "paused", "killed")),
                "limit_usd", nullable("number"),
                "spent_usd", Map.of("type", "number"),
                "held_usd", Map.of("type", "number"),
                "estimated_cost_usd", nullable("number"),
                "remaining_usd", nullable("number"),
                "resets_at", nullable("string")), List.of("scope", "limit_usd", "spent_usd", "resets_at"));
        Map<String, Object> props = props(
                "agent_id", Map.of("type", "integer"),
                "task_id", nullable("integer"),
                "daily_limit_usd", nullable("number"),
                "daily_spent_usd", Map.of("type", "number"),
                "daily_held_usd", Map.of("type", "number"),
                "daily_remaining_usd", nullable("number"),
                "task_limit_usd", nullable("number"),
                "task_spent_usd", nullable("number"),
                "task_held_usd", nullable("number"),
                "task_remaining_usd", nullable("number"),
                "team_daily_limit_usd", nullable("number"),
                "team_daily_spent_usd", Map.of("type", "number"),
                "team_daily_held_usd", Map.of("type", "number"),
                "team_daily_remaining_usd", nullable("number"),
                "over_budget", Map.of("type", "boolean"),
                "violations", Map.of("type", "array", "items", violation),
                "resets_at", Map.of("type", "string"));
        return object(props, List.copyOf(props.keySet()));
    }

    /** The budget, plus {@code hold_id} and {@code hold_expires_at} when an estimate was reserved. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> checkBudgetOutput() {
        Map<String, Object> schema = new LinkedHashMap<>(budget());
        Map<String, Object> props = new LinkedHashMap<>((Map<String, Object>) schema.get("properties"));
        props.put("hold_id", Map.of("type", "string"));
        props.put("hold_expires_at", Map.of("type", "string"));
        schema.put("properties", props);
        return schema;
    }

    static Map<String, Object> session() {
        Map<String, Object> props = props(
                "id", Map.of("type", "integer"),
                "agent_id", Map.of("type", "integer"),
                "agent_name", Map.of("type", "string"),
                "team_id", Map.of("type", "integer"),
                "task_id", nullable("integer"),
                "model", nullable("string"),
                "status", Map.of("type", "string", "enum", List.of("active", "ended", "killed")),
                "started_at", Map.of("type", "string"),
                "ended_at", nullable("string"),
                "input_tokens", Map.of("type", "integer"),
                "output_tokens", Map.of("type", "integer"),
                "cache_creation_input_tokens", Map.of("type", "integer"),
                "cache_read_input_tokens", Map.of("type", "integer"),
                "total_tokens", Map.of("type", "integer"),
                "cost_usd", Map.of("type", "number"),
                "duration_minutes", Map.of("type", "integer"),
                "stop_reason", nullable("string"));
        return object(props, List.copyOf(props.keySet()));
    }

    static Map<String, Object> startSessionOutput() {
        Map<String, Object> props = props(
                "session_id", Map.of("type", "integer"),
                "agent", Map.of("type", "string"),
                "task_id", nullable("integer"),
                "model", nullable("string"),
                "started_at", Map.of("type", "string"),
                "budget", budget(),
                "action", action(),
                "stop_reason", nullable("string"));
        return object(props, List.copyOf(props.keySet()));
    }

    static Map<String, Object> reportUsageOutput() {
        Map<String, Object> props = props(
                "session_id", Map.of("type", "integer"),
                "event_id", Map.of("type", "string"),
                "duplicate", Map.of("type", "boolean"),
                "cost_usd", Map.of("type", "number"),
                "cost_source", Map.of("type", "string", "enum", List.of("reported", "priced", "estimated")),
                "session", session(),
                "budget", budget(),
                "over_budget", Map.of("type", "boolean"),
                "action", action(),
                "stop_reason", nullable("string"),
                "hold_id", nullable("string"),
                "hold_status", nullable("string"));
        return object(props, List.copyOf(props.keySet()));
    }

    private static Map<String, Object> action() {
        return Map.of("type", "string", "enum", List.of("continue", "stop"));
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

    private static Map<String, Object> nullable(String type) {
        return Map.of("type", List.of(type, "null"));
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

    private static Map<String, Object> string(String description) {
        return Map.of("type", "string", "maxLength", 200, "description", description);
    }
}
