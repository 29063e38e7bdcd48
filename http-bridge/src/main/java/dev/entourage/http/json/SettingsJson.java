package dev.entourage.http.json;

import static dev.entourage.http.json.WireValues.dollars;
import static dev.entourage.http.json.WireValues.time;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.Task;
import dev.entourage.ledger.TaskSpend;
import dev.entourage.ledger.Team;
import java.util.Map;

/**
 * The JSON shapes of SPEC §5 for settings people change and read: teams, agents, tasks, alerts and the alert
 * webhook's event. None depends on the clock, so every encoder is static. Their schemas are in
 * {@link SettingsSchemas}.
 */
public final class SettingsJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SettingsJson() {
    }

    /** A team's settings: its limits, zone, pause state and alerting. */
    public static ObjectNode team(Team t) {
        ObjectNode node = NODES.objectNode();
        node.put("id", t.id());
        node.put("name", t.name());
        node.put("daily_cost_limit_usd", dollars(t.dailyLimitMicros()));
        node.put("timezone", t.zone().getId());
        node.put("paused", t.paused());
        byType(node.putObject("task_type_budgets_usd"), t.taskTypeBudgets());
        ArrayNode thresholds = node.putArray("alert_thresholds");
        t.alertThresholds().forEach(thresholds::add);
        node.put("alert_webhook_url", t.alertWebhookUrl());
        node.put("max_session_cost_per_minute_usd", dollars(t.maxSessionRateMicros()));
        node.put("weekly_limit_usd", dollars(t.weeklyLimitMicros()));
        node.put("monthly_limit_usd", dollars(t.monthlyLimitMicros()));
        node.put("max_session_cost_usd", dollars(t.maxSessionCostMicros()));
        byType(node.putObject("task_type_max_session_cost_usd"), t.taskTypeSessionBudgets());
        node.put("default_agent_daily_limit_usd", dollars(t.agentDefaults().dailyLimitMicros()));
        node.put("default_agent_weekly_limit_usd", dollars(t.agentDefaults().weeklyLimitMicros()));
        node.put("default_agent_monthly_limit_usd", dollars(t.agentDefaults().monthlyLimitMicros()));
        node.put("strict_agents", t.agentDefaults().strict());
        node.put("max_repeated_tool_calls", t.maxRepeatedToolCalls());
        node.put("refuse_unpriced_models", t.refuseUnpricedModels());
        node.put("created_at", time(t.createdAt()));
        return node;
    }

    private static void byType(ObjectNode node, Map<String, Long> budgets) {
        budgets.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> node.put(e.getKey(), Money.toDollars(e.getValue())));
    }

    /** An alert: a threshold a scope crossed, and whether the webhook took it. */
    public static ObjectNode alert(dev.entourage.ledger.Alert a) {
        ObjectNode node = NODES.objectNode();
        node.put("id", a.id());
        node.put("team_id", a.teamId());
        crossing(node, a);
        node.put("agent_id", a.agentId());
        node.put("agent", a.agentName());
        node.put("task_id", a.taskId());
        node.put("session_id", a.sessionId());
        node.put("text", a.text());
        node.put("created_at", time(a.createdAt()));
        node.put("delivered_at", time(a.deliveredAt()));
        node.put("attempts", a.attempts());
        return node;
    }

    /** The threshold crossing both alert shapes carry, in the same order. */
    private static void crossing(ObjectNode node, dev.entourage.ledger.Alert a) {
        node.put("scope", a.scope().wireName());
        node.put("scope_id", a.scopeId());
        node.put("window", a.window());
        node.put("threshold_percent", a.thresholdPercent());
        node.put("limit_usd", Money.toDollars(a.limitMicros()));
        node.put("spent_usd", Money.toDollars(a.spentMicros()));
    }

    /**
     * The webhook event of an alert: Slack's {@code text} plus structured fields.
     */
    public static ObjectNode alertEvent(dev.entourage.ledger.Alert a) {
        ObjectNode node = NODES.objectNode();
        node.put("text", a.text());
        node.put("event", "budget_alert");
        node.put("alert_id", a.id());
        node.put("team", a.teamName());
        node.put("team_id", a.teamId());
        crossing(node, a);
        node.put("agent", a.agentName());
        node.put("agent_id", a.agentId());
        node.put("task", a.taskId());
        node.put("session_id", a.sessionId());
        node.put("created_at", time(a.createdAt()));
        return node;
    }

    /** An agent: its limits and pause state. */
    public static ObjectNode agent(Agent a) {
        ObjectNode node = NODES.objectNode();
        node.put("id", a.id());
        node.put("name", a.name());
        node.put("team_id", a.teamId());
        node.put("daily_limit_usd", dollars(a.dailyLimitMicros()));
        node.put("weekly_limit_usd", dollars(a.weeklyLimitMicros()));
        node.put("monthly_limit_usd", dollars(a.monthlyLimitMicros()));
        node.put("paused", a.paused());
        node.put("created_at", time(a.createdAt()));
        return node;
    }

    /** A task as created: its title, type, tags and own budget. */
    public static ObjectNode task(Task t) {
        ObjectNode node = NODES.objectNode();
        node.put("id", t.id());
        node.put("team_id", t.teamId());
        node.put("title", t.title());
        node.put("priority", t.priority());
        node.put("task_type", t.taskType());
        ArrayNode tags = node.putArray("tags");
        t.tags().forEach(tags::add);
        node.put("budget_usd", dollars(t.budgetMicros()));
        node.put("created_at", time(t.createdAt()));
        return node;
    }

    /** A task with {@code spent_usd}, the cap that applies ({@code limit_usd}) and what remains. */
    public static ObjectNode task(TaskSpend t) {
        ObjectNode node = task(t.task());
        node.put("limit_usd", dollars(t.limitMicros()));
        node.put("spent_usd", Money.toDollars(t.spentMicros()));
        node.put("remaining_usd", dollars(t.remainingMicros()));
        return node;
    }
}
