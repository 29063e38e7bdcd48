package dev.entourage.http.json;

import static dev.entourage.http.json.SchemaNodes.anyObject;
import static dev.entourage.http.json.SchemaNodes.array;
import static dev.entourage.http.json.SchemaNodes.bool;
import static dev.entourage.http.json.SchemaNodes.constant;
import static dev.entourage.http.json.SchemaNodes.count;
import static dev.entourage.http.json.SchemaNodes.date;
import static dev.entourage.http.json.SchemaNodes.dollars;
import static dev.entourage.http.json.SchemaNodes.enumOf;
import static dev.entourage.http.json.SchemaNodes.id;
import static dev.entourage.http.json.SchemaNodes.integer;
import static dev.entourage.http.json.SchemaNodes.map;
import static dev.entourage.http.json.SchemaNodes.nullable;
import static dev.entourage.http.json.SchemaNodes.object;
import static dev.entourage.http.json.SchemaNodes.string;
import static dev.entourage.http.json.SchemaNodes.time;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.BudgetSubject;
import dev.entourage.ledger.Action;
import dev.entourage.ledger.CostSource;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.HoldStatus;
import dev.entourage.ledger.Scope;
import dev.entourage.ledger.SessionStatus;
import dev.entourage.ledger.SpendSeries;
import dev.entourage.ledger.access.Role;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12) of every shape {@link LedgerJson} encodes, field for field: the same names,
 * types, nullability and required lists. Every enum-valued field lists the wire names of its domain enum, so a
 * new enum value reaches the schemas (and the MCP tools' output schemas) by itself. {@link #published()} is what
 * {@code docs/schemas/*.json} holds.
 *
 * <p>Every method returns a fresh node the caller may change.
 */
public final class WireSchemas {
    /** The dialect every published schema names in {@code $schema}. */
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private WireSchemas() {
    }

    /** {@link LedgerJson#session}. */
    public static ObjectNode session() {
        return object()
                .field("id", id())
                .field("agent_id", id())
                .field("agent_name", string())
                .field("team_id", id())
                .field("task_id", nullable(id()))
                .field("model", nullable(string()))
                .field("status", enumOf(SessionStatus.values(), SessionStatus::wireName))
                .field("started_at", time())
                .field("ended_at", nullable(time()))
                .fields(totals())
                .field("duration_minutes", count())
                .field("stop_reason", stopReason())
                .field("stop_detail", nullable(string()))
                .build();
    }

    private static ObjectNode totals() {
        return object()
                .field("input_tokens", count())
                .field("output_tokens", count())
                .field("cache_creation_input_tokens", count())
                .field("cache_read_input_tokens", count())
                .field("total_tokens", count())
                .field("cost_usd", dollars())
                .build();
    }

    /** One entry of a budget's {@code violations}. */
    public static ObjectNode violation() {
        return object()
                .field("scope", scope())
                .field("limit_usd", nullable(dollars()))
                .field("spent_usd", dollars())
                .field("held_usd", dollars())
                .field("estimated_cost_usd", nullable(dollars()))
                .field("remaining_usd", nullable(dollars()))
                .field("resets_at", nullable(time()))
                .build();
    }

    /** {@link LedgerJson#budget}: the answer of {@code GET /agents/{id}/budget} and of {@code check_budget}. */
    public static ObjectNode budget() {
        SchemaNodes.Shape budget = object()
                .field("agent_id", id())
                .field("task_id", nullable(id()))
                .field("session_id", nullable(id()));
        for (Scope scope : Scope.limitedScopes()) {
            String prefix = scope.rule().fieldPrefix();
            boolean always = scope.rule().subject() == BudgetSubject.AGENT
                    || scope.rule().subject() == BudgetSubject.TEAM;
            budget.field(prefix + "_limit_usd", nullable(dollars()))
                    .field(prefix + "_spent_usd", always ? dollars() : nullable(dollars()))
                    .field(prefix + "_held_usd", always ? dollars() : nullable(dollars()))
                    .field(prefix + "_remaining_usd", nullable(dollars()));
        }
        return budget
                .field("over_budget", bool())
                .field("violations", array(violation()))
                .field("resets_at", time())
                .build();
    }

    /** {@link LedgerJson#budgetWithHold}: the budget plus the hold an estimate reserved. */
    public static ObjectNode budgetWithHold() {
        return object().fields(budget())
                .field("hold_id", string())
                .field("hold_expires_at", time())
                .build();
    }

    /**
     * The output of the MCP tool {@code check_budget}: {@link #budget()}, plus {@code hold_id} and
     * {@code hold_expires_at} when an estimate was reserved ({@link #budgetWithHold()}).
     */
    public static ObjectNode checkBudgetAnswer() {
        return object().fields(budget())
                .optional("hold_id", string())
                .optional("hold_expires_at", time())
                .build();
    }

    /** {@link LedgerJson#usage}: the answer to a usage report, over REST and MCP alike. */
    public static ObjectNode usage() {
        return object()
                .field("session_id", id())
                .field("event_id", string())
                .field("duplicate", bool())
                .field("cost_usd", dollars())
                .field("cost_source", enumOf(CostSource.values(), CostSource::wireName))
                .field("session", session())
                .field("budget", budget())
                .field("over_budget", bool())
                .field("action", action())
                .field("stop_reason", stopReason())
                .field("hold_id", nullable(string()))
                .field("hold_status", nullable(holdStatus()))
                .build();
    }

    /** {@link LedgerJson#sessionStart}: the output of the MCP tool {@code start_session}. */
    public static ObjectNode sessionStart() {
        return object()
                .field("session_id", id())
                .field("agent", string())
                .field("task_id", nullable(id()))
                .field("model", nullable(string()))
                .field("started_at", time())
                .field("budget", budget())
                .field("action", action())
                .field("stop_reason", stopReason())
                .build();
    }

    /** {@link LedgerJson#hold}: a budget hold. */
    public static ObjectNode hold() {
        return object()
                .field("hold_id", string())
                .field("agent_id", id())
                .field("team_id", id())
                .field("task_id", nullable(id()))
                .field("session_id", nullable(id()))
                .field("estimated_cost_usd", dollars())
                .field("status", holdStatus())
                .field("created_at", time())
                .field("expires_at", time())
                .field("closed_at", nullable(time()))
                .field("event_id", nullable(string()))
                .build();
    }

    /** {@link LedgerJson#reservation}: the REST answer to a reservation that fit. */
    public static ObjectNode reservation() {
        return object()
                .field("hold_id", string())
                .field("expires_at", time())
                .field("estimated_cost_usd", dollars())
                .field("budget", budget())
                .build();
    }

    /** {@link LedgerJson#team}: a team's settings. */
    public static ObjectNode team() {
        return object()
                .field("id", id())
                .field("name", string())
                .field("daily_cost_limit_usd", nullable(dollars()))
                .field("timezone", string())
                .field("paused", bool())
                .field("task_type_budgets_usd", map(dollars()))
                .field("alert_thresholds", array(integer().put("minimum", 1)))
                .field("alert_webhook_url", nullable(string()))
                .field("max_session_cost_per_minute_usd", nullable(dollars()))
                .field("weekly_limit_usd", nullable(dollars()))
                .field("monthly_limit_usd", nullable(dollars()))
                .field("max_session_cost_usd", nullable(dollars()))
                .field("task_type_max_session_cost_usd", map(dollars()))
                .field("created_at", time())
                .build();
    }

    /** {@link LedgerJson#agent}. */
    public static ObjectNode agent() {
        return object()
                .field("id", id())
                .field("name", string())
                .field("team_id", id())
                .field("daily_limit_usd", nullable(dollars()))
                .field("weekly_limit_usd", nullable(dollars()))
                .field("monthly_limit_usd", nullable(dollars()))
                .field("paused", bool())
                .field("created_at", time())
                .build();
    }

    /** {@link LedgerJson#task(dev.entourage.ledger.Task)}: a task as created. */
    public static ObjectNode task() {
        return object()
                .field("id", id())
                .field("team_id", id())
                .field("title", string())
                .field("priority", nullable(string()))
                .field("task_type", nullable(string()))
                .field("tags", array(string()))
                .field("budget_usd", nullable(dollars()))
                .field("created_at", time())
                .build();
    }

    /** {@link LedgerJson#task(dev.entourage.ledger.TaskSpend)}: a task with its cap, spend and remainder. */
    public static ObjectNode taskSpend() {
        return object().fields(task())
                .field("limit_usd", nullable(dollars()))
                .field("spent_usd", dollars())
                .field("remaining_usd", nullable(dollars()))
                .build();
    }

    /** {@link LedgerJson#alert}: a threshold a scope crossed. */
    public static ObjectNode alert() {
        return object()
                .field("id", id())
                .field("team_id", id())
                .field("scope", scope())
                .field("scope_id", integer())
                .field("window", string())
                .field("threshold_percent", count())
                .field("limit_usd", dollars())
                .field("spent_usd", dollars())
                .field("agent_id", id())
                .field("agent", string())
                .field("task_id", nullable(id()))
                .field("session_id", id())
                .field("text", string())
                .field("created_at", time())
                .field("delivered_at", nullable(time()))
                .field("attempts", count())
                .build();
    }

    /** {@link LedgerJson#alertEvent}: what the alert webhook receives (Slack's {@code text} plus fields). */
    public static ObjectNode alertWebhook() {
        return object()
                .field("text", string())
                .field("event", constant("budget_alert"))
                .field("alert_id", id())
                .field("team", string())
                .field("team_id", id())
                .field("scope", scope())
                .field("scope_id", integer())
                .field("window", string())
                .field("threshold_percent", count())
                .field("limit_usd", dollars())
                .field("spent_usd", dollars())
                .field("agent", string())
                .field("agent_id", id())
                .field("task", nullable(id()))
                .field("session_id", id())
                .field("created_at", time())
                .build();
    }

    /** {@link LedgerJson#costs}: a team's costs over a range of days. */
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
                .field("sessions", array(session))
                .field("by_agent", array(costGroup("agent_id", id(), "agent_name")))
                .field("by_model", array(costGroup(null, null, "model")))
                .field("by_task", array(costGroup("task_id", nullable(id()), "task_title")))
                .field("by_day", array(day))
                .build();
    }

    private static ObjectNode costGroup(String idField, ObjectNode idSchema, String nameField) {
        SchemaNodes.Shape shape = object();
        if (idField != null) {
            shape.field(idField, idSchema);
        }
        return shape.field(nameField, nullable(string()))
                .field("cost_usd", dollars())
                .field("input_tokens", count())
                .field("output_tokens", count())
                .field("sessions", count())
                .build();
    }

    /** {@link LedgerJson#dashboard}: one team's dashboard page. */
    public static ObjectNode dashboard() {
        ObjectNode today = object()
                .field("date", date())
                .field("spent_usd", dollars())
                .field("limit_usd", nullable(dollars()))
                .field("remaining_usd", nullable(dollars()))
                .field("resets_at", time())
                .build();
        ObjectNode agent = object()
                .field("id", id())
                .field("name", string())
                .field("paused", bool())
                .field("daily_limit_usd", nullable(dollars()))
                .field("daily_spent_usd", dollars())
                .field("daily_remaining_usd", nullable(dollars()))
                .field("active_sessions", count())
                .build();
        return object()
                .field("team", team())
                .field("role", enumOf(Role.values(), Role::wireName))
                .field("now", time())
                .field("today", today)
                .field("agents", array(agent))
                .field("sessions", array(session()))
                .field("recent_sessions", array(session()))
                .field("tasks", array(taskSpend()))
                .field("alerts", array(alert()))
                .build();
    }

    /** {@link LedgerJson#spend}: spend per time bucket, one series per agent, model or task. */
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

    /** {@link LedgerJson#error}: {@code {"error": {"code", "message", "details"}}}. */
    public static ObjectNode error() {
        return object().field("error", errorBody()).build();
    }

    /** The inside of {@link #error()}: what an MCP tool error carries under {@code _meta}. */
    public static ObjectNode errorBody() {
        return object()
                .field("code", enumOf(ErrorCode.values(), ErrorCode::wireName))
                .field("message", string())
                .field("details", anyObject())
                .build();
    }

    /** {@code {"sessions": [session…]}}: an agent's sessions, newest first. */
    public static ObjectNode sessionList() {
        return object().field("sessions", array(session())).build();
    }

    /** {@code {"tasks": [task with spend…]}}. */
    public static ObjectNode taskList() {
        return object().field("tasks", array(taskSpend())).build();
    }

    /** {@code {"alerts": [alert…]}}. */
    public static ObjectNode alertList() {
        return object().field("alerts", array(alert())).build();
    }

    /**
     * The {@code data} of each event of {@code GET /events} by its event name ({@link LedgerJson#event} and
     * {@link LedgerJson#hello}).
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
                .field("session", session())
                .field("action", action())
                .field("stop_reason", stopReason())
                .field("recorded_at", time())
                .build());
        events.put("session", object().field("session", session()).build());
        events.put("kill", object()
                .field("session", session())
                .field("reason", nullable(string()))
                .build());
        events.put("alert", object().field("alert", alert()).build());
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

    /**
     * Every published schema by its name (the file {@code docs/schemas/NAME.json}), each with {@code $schema} and
     * a {@code title}; events are named {@code event_NAME}.
     */
    public static Map<String, ObjectNode> published() {
        Map<String, ObjectNode> shapes = new LinkedHashMap<>();
        shapes.put("session", session());
        shapes.put("session_list", sessionList());
        shapes.put("session_start", sessionStart());
        shapes.put("budget", budget());
        shapes.put("budget_with_hold", budgetWithHold());
        shapes.put("check_budget", checkBudgetAnswer());
        shapes.put("violation", violation());
        shapes.put("usage", usage());
        shapes.put("hold", hold());
        shapes.put("reservation", reservation());
        shapes.put("team", team());
        shapes.put("agent", agent());
        shapes.put("task", task());
        shapes.put("task_spend", taskSpend());
        shapes.put("task_list", taskList());
        shapes.put("alert", alert());
        shapes.put("alert_list", alertList());
        shapes.put("alert_webhook", alertWebhook());
        shapes.put("costs", costs());
        shapes.put("dashboard", dashboard());
        shapes.put("spend", spend());
        shapes.put("error", error());
        shapes.put("error_body", errorBody());
        events().forEach((name, schema) -> shapes.put("event_" + name, schema));
        Map<String, ObjectNode> published = new LinkedHashMap<>();
        shapes.forEach((name, schema) -> {
            ObjectNode node = schema.objectNode();
            node.put("$schema", DIALECT);
            node.put("title", name);
            node.setAll(schema);
            published.put(name, node);
        });
        return Collections.unmodifiableMap(published);
    }

    private static ObjectNode scope() {
        return enumOf(Scope.values(), Scope::wireName);
    }

    /** Why an agent was told to stop: a {@link Scope}'s wire name, or null. */
    private static ObjectNode stopReason() {
        return nullable(scope());
    }

    private static ObjectNode action() {
        return enumOf(Action.values(), Action::wireName);
    }

    private static ObjectNode holdStatus() {
        return enumOf(HoldStatus.values(), HoldStatus::wireName);
    }
}
