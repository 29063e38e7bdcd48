package dev.entourage.http.json;

import static dev.entourage.http.json.SchemaNodes.action;
import static dev.entourage.http.json.SchemaNodes.array;
import static dev.entourage.http.json.SchemaNodes.bool;
import static dev.entourage.http.json.SchemaNodes.count;
import static dev.entourage.http.json.SchemaNodes.date;
import static dev.entourage.http.json.SchemaNodes.dollars;
import static dev.entourage.http.json.SchemaNodes.enumOf;
import static dev.entourage.http.json.SchemaNodes.id;
import static dev.entourage.http.json.SchemaNodes.nullable;
import static dev.entourage.http.json.SchemaNodes.object;
import static dev.entourage.http.json.SchemaNodes.stopReason;
import static dev.entourage.http.json.SchemaNodes.string;
import static dev.entourage.http.json.SchemaNodes.time;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.CostSource;
import dev.entourage.ledger.SpendSeries;
import dev.entourage.ledger.access.Role;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12) of every shape {@link ReportJson} encodes, field for field: costs, the dashboard,
 * spend over time and the {@code data} of each live event. {@link WireSchemas} publishes them.
 *
 * <p>Every method returns a fresh node the caller may change.
 */
public final class ReportSchemas {
    private ReportSchemas() {
    }

    /** {@link ReportJson#costs}: a team's costs over a range of days. */
    public static ObjectNode costs() {
        ObjectNode session = object()
                .field("session_id", id())
                .field("agent_name", string())
                .field("task_id", nullable(id()))
                .field("task_title", nullable(string()))
                .field("model", nullable(string()))
                .field("cost_usd", dollars())
                .field("input_tokens", count())
                .field("output_tokens", count())
                .field("tokens", count())
                .field("duration_minutes", count())
                .field("unpriced_usd", dollars())
                .build();
        ObjectNode day = object()
                .field("day", date())
                .field("cost_usd", dollars())
                .field("input_tokens", count())
                .field("output_tokens", count())
                .field("sessions", count())
                .build();
        return object()
                .field("team_id", id())
                .field("since", date())
                .field("until", date())
                .field("total_cost_usd", dollars())
                .field("total_input_tokens", count())
                .field("total_output_tokens", count())
                .field("unpriced_usd", dollars())
                .field("sessions", array(session))
                .field("session_count", count())
                .field("next_cursor", nullable(string()))
                .field("by_agent", array(costGroup("agent_id", id(), "agent_name")))
                .field("by_model", array(costGroup(null, null, "model", "unpriced_usd")))
                .field("by_task", array(costGroup("task_id", nullable(id()), "task_title")))
                .field("by_day", array(day))
                .build();
    }

    private static ObjectNode costGroup(String idField, ObjectNode idSchema, String nameField,
                                        String... moreDollars) {
        SchemaNodes.Shape shape = object();
        if (idField != null) {
            shape.field(idField, idSchema);
        }
        shape.field(nameField, nullable(string()))
                .field("cost_usd", dollars())
                .field("input_tokens", count())
                .field("output_tokens", count())
                .field("sessions", count());
        for (String field : moreDollars) {
            shape.field(field, dollars());
        }
        return shape.build();
    }

    /** {@link ReportJson#dashboard}: one team's dashboard page. */
    public static ObjectNode dashboard() {
        ObjectNode today = object()
                .field("date", date())
                .field("spent_usd", dollars())
                .field("limit_usd", nullable(dollars()))
                .field("remaining_usd", nullable(dollars()))
                .field("resets_at", time())
                .field("unpriced_usd", dollars())
                .field("unpriced_models", array(object().field("model", string())
                        .field("unpriced_usd", dollars()).build()))
                .field("unpriced_sessions", array(object().field("session_id", id())
                        .field("unpriced_usd", dollars()).build()))
                .build();
        ObjectNode agent = object()
                .field("id", id())
                .field("name", string())
                .field("paused", bool())
                .field("daily_limit_usd", nullable(dollars()))
                .field("daily_spent_usd", dollars())
                .field("daily_remaining_usd", nullable(dollars()))
                .field("held_usd", dollars())
                .field("active_sessions", count())
                .build();
        return object()
                .field("team", SettingsSchemas.team())
                .field("role", enumOf(Role.values(), Role::wireName))
                .field("now", time())
                .field("today", today)
                .field("agents", array(agent))
                .field("sessions", array(SessionSchemas.session()))
                .field("active_session_count", count())
                .field("sessions_next_cursor", nullable(string()))
                .field("recent_sessions", array(SessionSchemas.session()))
                .field("tasks", array(SettingsSchemas.taskSpend()))
                .field("alerts", array(SettingsSchemas.alert()))
                .build();
    }

    /** {@link ReportJson#sessionUsage}: a session and one page of its usage events, newest first. */
    public static ObjectNode sessionUsage() {
        ObjectNode event = object()
                .field("id", id())
                .field("event_id", string())
                .field("reported_at", time())
                .field("model", nullable(string()))
                .field("input_tokens", count())
                .field("output_tokens", count())
                .field("cache_creation_input_tokens", count())
                .field("cache_creation_1h_input_tokens", count())
                .field("cache_read_input_tokens", count())
                .field("cost_usd", dollars())
                .field("cost_source", enumOf(CostSource.values(), CostSource::wireName))
                .field("action", action())
                .field("stop_reason", stopReason())
                .field("claim", bool())
                .field("priced_cost_usd", nullable(dollars()))
                .field("speed", nullable(string()))
                .field("service_tier", nullable(string()))
                .field("inference_geo", nullable(string()))
                .field("query_source", nullable(string()))
                .field("subagent", nullable(string()))
                .build();
        return object()
                .field("session", SessionSchemas.session())
                .field("events", array(event))
                .field("next_before", nullable(id()))
                .build();
    }

    /** {@link ReportJson#spend}: spend per time bucket, one series per agent, model or task. */
    public static ObjectNode spend() {
        ObjectNode series = object()
                .field("name", nullable(string()))
                .field("cost_usd", array(dollars()))
                .field("total_usd", dollars())
                .build();
        return object()
                .field("range", enumOf(SpendSeries.Range.values(), SpendSeries.Range::wireName))
                .field("by", enumOf(SpendSeries.Split.values(), SpendSeries.Split::wireName))
                .field("zone", string())
                .field("bucket_seconds", id())
                .field("buckets", array(time()))
                .field("series", array(series))
                .field("total_usd", array(dollars()))
                .build();
    }

    /**
     * The {@code data} of each event of {@code GET /events} by its event name ({@link ReportJson#event} and
     * {@link ReportJson#hello}).
     */
    public static Map<String, ObjectNode> events() {
        Map<String, ObjectNode> events = new LinkedHashMap<>();
        events.put("hello", object()
                .field("now", time())
                .field("team_id", id())
                .build());
        events.put("usage", object()
                .field("session_id", id())
                .field("agent_id", id())
                .field("agent_name", string())
                .field("team_id", id())
                .field("event_id", string())
                .field("cost_usd", dollars())
                .field("session", SessionSchemas.session())
                .field("action", action())
                .field("stop_reason", stopReason())
                .field("claim", bool())
                .field("recorded_at", time())
                .build());
        events.put("session", object().field("session", SessionSchemas.session()).build());
        events.put("kill", object()
                .field("session", SessionSchemas.session())
                .field("reason", nullable(string()))
                .build());
        events.put("alert", object().field("alert", SettingsSchemas.alert()).build());
        events.put("agent", object()
                .field("agent_id", id())
                .field("paused", bool())
                .build());
        events.put("team", object()
                .field("team_id", id())
                .field("paused", bool())
                .build());
        events.put("refresh", object().build());
        return Collections.unmodifiableMap(events);
    }
}
