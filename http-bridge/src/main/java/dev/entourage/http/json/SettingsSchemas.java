package dev.entourage.http.json;

import static dev.entourage.http.json.SchemaNodes.array;
import static dev.entourage.http.json.SchemaNodes.bool;
import static dev.entourage.http.json.SchemaNodes.constant;
import static dev.entourage.http.json.SchemaNodes.count;
import static dev.entourage.http.json.SchemaNodes.dollars;
import static dev.entourage.http.json.SchemaNodes.id;
import static dev.entourage.http.json.SchemaNodes.integer;
import static dev.entourage.http.json.SchemaNodes.map;
import static dev.entourage.http.json.SchemaNodes.nullable;
import static dev.entourage.http.json.SchemaNodes.object;
import static dev.entourage.http.json.SchemaNodes.scope;
import static dev.entourage.http.json.SchemaNodes.string;
import static dev.entourage.http.json.SchemaNodes.time;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON Schema (draft 2020-12) of every shape {@link SettingsJson} encodes, field for field: teams, agents,
 * tasks, alerts, their lists and the alert webhook's event. {@link WireSchemas} publishes them.
 *
 * <p>Every method returns a fresh node the caller may change.
 */
public final class SettingsSchemas {
    private SettingsSchemas() {
    }

    /** {@link SettingsJson#team}: a team's settings. */
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
                .field("default_agent_daily_limit_usd", nullable(dollars()))
                .field("default_agent_weekly_limit_usd", nullable(dollars()))
                .field("default_agent_monthly_limit_usd", nullable(dollars()))
                .field("strict_agents", bool())
                .field("max_repeated_tool_calls", nullable(integer().put("minimum", 2).put("maximum", 1000)))
                .field("refuse_unpriced_models", bool())
                .field("created_at", time())
                .build();
    }

    /** {@link SettingsJson#agent}. */
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

    /** {@link SettingsJson#task(dev.entourage.ledger.Task)}: a task as created. */
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

    /** {@link SettingsJson#task(dev.entourage.ledger.TaskSpend)}: a task with its cap, spend and remainder. */
    public static ObjectNode taskSpend() {
        return object().fields(task())
                .field("limit_usd", nullable(dollars()))
                .field("spent_usd", dollars())
                .field("remaining_usd", nullable(dollars()))
                .build();
    }

    /** {@link SettingsJson#alert}: a threshold a scope crossed. */
    public static ObjectNode alert() {
        return object()
                .field("id", id())
                .field("team_id", id())
                .fields(crossing())
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

    /** The threshold crossing both alert shapes carry, in the same order. */
    private static ObjectNode crossing() {
        return object()
                .field("scope", scope())
                .field("scope_id", integer())
                .field("window", string())
                .field("threshold_percent", count())
                .field("limit_usd", dollars())
                .field("spent_usd", dollars())
                .build();
    }

    /** {@link SettingsJson#alertEvent}: what the alert webhook receives (Slack's {@code text} plus fields). */
    public static ObjectNode alertWebhook() {
        return object()
                .field("text", string())
                .field("event", constant("budget_alert"))
                .field("alert_id", id())
                .field("team", string())
                .field("team_id", id())
                .fields(crossing())
                .field("agent", string())
                .field("agent_id", id())
                .field("task", nullable(id()))
                .field("session_id", id())
                .field("created_at", time())
                .build();
    }

    /** {@code {"tasks": [task with spend…]}}. */
    public static ObjectNode taskList() {
        return object().field("tasks", array(taskSpend())).build();
    }

    /** {@code {"alerts": [alert…]}}. */
    public static ObjectNode alertList() {
        return object().field("alerts", array(alert())).build();
    }
}
