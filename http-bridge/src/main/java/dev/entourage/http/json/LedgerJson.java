package dev.entourage.http.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.Action;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Budget;
import dev.entourage.ledger.BudgetExceededException;
import dev.entourage.ledger.BudgetHold;
import dev.entourage.ledger.CostReport;
import dev.entourage.ledger.DashboardView;
import dev.entourage.ledger.HoldReceipt;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.ScopeBudget;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SpendSeries;
import dev.entourage.ledger.SessionStart;
import dev.entourage.ledger.Task;
import dev.entourage.ledger.TaskSpend;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.UsageReceipt;
import dev.entourage.ledger.UsageTotals;
import dev.entourage.ledger.Violation;
import dev.entourage.ledger.events.LedgerEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON shapes of SPEC §5, built field by field from ledger values: money as dollars (JSON numbers, up
 * to six decimals), times as ISO-8601 UTC, unset limits and their remainders as {@code null}.
 */
public final class LedgerJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Clock clock;

    public LedgerJson(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public ObjectNode session(Session s) {
        ObjectNode node = NODES.objectNode();
        node.put("id", s.id());
        node.put("agent_id", s.agentId());
        node.put("agent_name", s.agentName());
        node.put("team_id", s.teamId());
        node.put("task_id", s.taskId());
        node.put("model", s.model());
        node.put("status", s.status().wireName());
        node.put("started_at", time(s.startedAt()));
        node.put("ended_at", time(s.endedAt()));
        totals(node, s.totals());
        node.put("duration_minutes", s.durationMinutes(clock.instant()));
        node.put("stop_reason", s.stopReason());
        node.put("stop_detail", s.stopDetail());
        return node;
    }

    private static void totals(ObjectNode node, UsageTotals totals) {
        node.put("input_tokens", totals.inputTokens());
        node.put("output_tokens", totals.outputTokens());
        node.put("cache_creation_input_tokens", totals.cacheCreationInputTokens());
        node.put("cache_read_input_tokens", totals.cacheReadInputTokens());
        node.put("total_tokens", totals.totalTokens());
        node.put("cost_usd", Money.toDollars(totals.costMicros()));
    }

    public ObjectNode budget(Budget b) {
        ObjectNode node = NODES.objectNode();
        node.put("agent_id", b.agentId());
        node.put("task_id", b.taskId());
        node.put("session_id", b.sessionId());
        for (ScopeBudget scope : b.scopes()) {
            String prefix = scope.scope().rule().fieldPrefix();
            node.put(prefix + "_limit_usd", dollars(scope.limitMicros()));
            node.put(prefix + "_spent_usd", dollars(scope.spentMicros()));
            node.put(prefix + "_held_usd", dollars(scope.heldMicros()));
            node.put(prefix + "_remaining_usd", dollars(scope.remainingMicros()));
        }
        node.put("over_budget", b.overBudget());
        ArrayNode violations = node.putArray("violations");
        for (Violation v : b.violations()) {
            ObjectNode violation = violations.addObject();
            violation.put("scope", v.scope().wireName());
            violation.put("limit_usd", dollars(v.limitMicros()));
            violation.put("spent_usd", Money.toDollars(v.spentMicros()));
            violation.put("held_usd", Money.toDollars(v.heldMicros()));
            violation.put("estimated_cost_usd", dollars(v.estimateMicros()));
            violation.put("remaining_usd", dollars(v.remainingMicros()));
            violation.put("resets_at", time(v.resetsAt()));
        }
        node.put("resets_at", time(b.resetsAt()));
        return node;
    }

    public ObjectNode usage(UsageReceipt r) {
        ObjectNode node = NODES.objectNode();
        node.put("session_id", r.sessionId());
        node.put("event_id", r.eventId());
        node.put("duplicate", r.duplicate());
        node.put("cost_usd", Money.toDollars(r.costMicros()));
        node.put("cost_source", r.costSource().wireName());
        node.set("session", session(r.session()));
        node.set("budget", budget(r.budget()));
        node.put("over_budget", r.budget().overBudget());
        node.put("action", r.action().wireName());
        node.put("stop_reason", r.stopReason());
        node.put("hold_id", r.holdId());
        node.put("hold_status", r.holdStatus() == null ? null : r.holdStatus().wireName());
        return node;
    }

    /** A budget hold: what it reserves, where it stands and until when. */
    public ObjectNode hold(BudgetHold h) {
        ObjectNode node = NODES.objectNode();
        node.put("hold_id", h.id());
        node.put("agent_id", h.agentId());
        node.put("team_id", h.teamId());
        node.put("task_id", h.taskId());
        node.put("session_id", h.sessionId());
        node.put("estimated_cost_usd", Money.toDollars(h.amountMicros()));
        node.put("status", h.status().wireName());
        node.put("created_at", time(h.createdAt()));
        node.put("expires_at", time(h.expiresAt()));
        node.put("closed_at", time(h.closedAt()));
        node.put("event_id", h.eventId());
        return node;
    }

    /** The REST answer to a reservation that fit: {@code {"hold_id", "expires_at", "estimated_cost_usd", "budget"}}. */
    public ObjectNode reservation(HoldReceipt r) {
        ObjectNode node = NODES.objectNode();
        node.put("hold_id", r.hold().id());
        node.put("expires_at", time(r.hold().expiresAt()));
        node.put("estimated_cost_usd", Money.toDollars(r.hold().amountMicros()));
        node.set("budget", budget(r.budget()));
        return node;
    }

    /** The MCP {@code check_budget} answer with an estimate: the budget plus {@code hold_id} and {@code hold_expires_at}. */
    public ObjectNode budgetWithHold(HoldReceipt r) {
        ObjectNode node = budget(r.budget());
        node.put("hold_id", r.hold().id());
        node.put("hold_expires_at", time(r.hold().expiresAt()));
        return node;
    }

    /** The answer of the MCP tool {@code start_session}. */
    public ObjectNode sessionStart(SessionStart start) {
        Session s = start.session();
        ObjectNode node = NODES.objectNode();
        node.put("session_id", s.id());
        node.put("agent", s.agentName());
        node.put("task_id", s.taskId());
        node.put("model", s.model());
        node.put("started_at", time(s.startedAt()));
        node.set("budget", budget(start.budget()));
        node.put("action", (start.budget().overBudget() ? Action.STOP : Action.CONTINUE).wireName());
        node.put("stop_reason", start.budget().firstViolation().map(scope -> scope.wireName()).orElse(null));
        return node;
    }

    public ObjectNode team(Team t) {
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
        node.put("created_at", time(t.createdAt()));
        return node;
    }

    private static void byType(ObjectNode node, Map<String, Long> budgets) {
        budgets.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> node.put(e.getKey(), Money.toDollars(e.getValue())));
    }

    /** An alert: a threshold a scope crossed, and whether the webhook took it. */
    public ObjectNode alert(dev.entourage.ledger.Alert a) {
        ObjectNode node = NODES.objectNode();
        node.put("id", a.id());
        node.put("team_id", a.teamId());
        node.put("scope", a.scope().wireName());
        node.put("scope_id", a.scopeId());
        node.put("window", a.window());
        node.put("threshold_percent", a.thresholdPercent());
        node.put("limit_usd", Money.toDollars(a.limitMicros()));
        node.put("spent_usd", Money.toDollars(a.spentMicros()));
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

    /**
     * The webhook event of an alert: Slack's {@code text} plus structured fields.
     */
    public ObjectNode alertEvent(dev.entourage.ledger.Alert a) {
        ObjectNode node = NODES.objectNode();
        node.put("text", a.text());
        node.put("event", "budget_alert");
        node.put("alert_id", a.id());
        node.put("team", a.teamName());
        node.put("team_id", a.teamId());
        node.put("scope", a.scope().wireName());
        node.put("scope_id", a.scopeId());
        node.put("window", a.window());
        node.put("threshold_percent", a.thresholdPercent());
        node.put("limit_usd", Money.toDollars(a.limitMicros()));
        node.put("spent_usd", Money.toDollars(a.spentMicros()));
        node.put("agent", a.agentName());
        node.put("agent_id", a.agentId());
        node.put("task", a.taskId());
        node.put("session_id", a.sessionId());
        node.put("created_at", time(a.createdAt()));
        return node;
    }

    public ObjectNode agent(Agent a) {
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

    public ObjectNode task(Task t) {
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
    public ObjectNode task(TaskSpend t) {
        ObjectNode node = task(t.task());
        node.put("limit_usd", dollars(t.limitMicros()));
        node.put("spent_usd", Money.toDollars(t.spentMicros()));
        node.put("remaining_usd", dollars(t.remainingMicros()));
        return node;
    }

    /** A team's costs over a range of days. */
    public ObjectNode costs(CostReport report) {
        ObjectNode node = NODES.objectNode();
        node.put("team_id", report.teamId());
        node.put("since", report.since().toString());
        node.put("until", report.until().toString());
        node.put("total_cost_usd", Money.toDollars(report.totalCostMicros()));
        node.put("total_input_tokens", report.totalInputTokens());
        node.put("total_output_tokens", report.totalOutputTokens());
        ArrayNode sessions = node.putArray("sessions");
        for (CostReport.SessionCost s : report.sessions()) {
            ObjectNode row = sessions.addObject();
            row.put("session_id", s.sessionId());
            row.put("agent_name", s.agentName());
            row.put("task_id", s.taskId());
            row.put("task_title", s.taskTitle());
            row.put("model", s.model());
            row.put("cost_usd", Money.toDollars(s.costMicros()));
            row.put("input_tokens", s.inputTokens());
            row.put("output_tokens", s.outputTokens());
            row.put("tokens", s.tokens());
            row.put("duration_minutes", s.durationMinutes());
        }
        groups(node.putArray("by_agent"), report.byAgent(), "agent_id", "agent_name");
        groups(node.putArray("by_model"), report.byModel(), null, "model");
        groups(node.putArray("by_task"), report.byTask(), "task_id", "task_title");
        ArrayNode days = node.putArray("by_day");
        for (CostReport.DayCost d : report.byDay()) {
            ObjectNode row = days.addObject();
            row.put("day", d.day().toString());
            row.put("cost_usd", Money.toDollars(d.costMicros()));
            row.put("input_tokens", d.inputTokens());
            row.put("output_tokens", d.outputTokens());
            row.put("sessions", d.sessions());
        }
        return node;
    }

    private static void groups(ArrayNode array, java.util.List<CostReport.CostGroup> groups, String idField,
                               String nameField) {
        for (CostReport.CostGroup g : groups) {
            ObjectNode row = array.addObject();
            if (idField != null) {
                row.put(idField, g.id());
            }
            row.put(nameField, g.name());
            row.put("cost_usd", Money.toDollars(g.costMicros()));
            row.put("input_tokens", g.inputTokens());
            row.put("output_tokens", g.outputTokens());
            row.put("sessions", g.sessions());
        }
    }

    /** {@code GET /dashboard}: one team's page in one document; {@code role} is the caller's. */
    public ObjectNode dashboard(DashboardView v, String role) {
        ObjectNode node = NODES.objectNode();
        node.set("team", team(v.team()));
        node.put("role", role);
        node.put("now", time(v.now()));
        ObjectNode today = node.putObject("today");
        today.put("date", v.day().date().toString());
        today.put("spent_usd", Money.toDollars(v.spentMicros()));
        today.put("limit_usd", dollars(v.limitMicros()));
        today.put("remaining_usd", dollars(v.remainingMicros()));
        today.put("resets_at", time(v.day().resetsAt()));
        ArrayNode agents = node.putArray("agents");
        for (DashboardView.AgentDay a : v.agents()) {
            ObjectNode row = agents.addObject();
            row.put("id", a.agent().id());
            row.put("name", a.agent().name());
            row.put("paused", a.agent().paused());
            row.put("daily_limit_usd", dollars(a.agent().dailyLimitMicros()));
            row.put("daily_spent_usd", Money.toDollars(a.spentMicros()));
            row.put("daily_remaining_usd", dollars(a.remainingMicros()));
            row.put("active_sessions", a.activeSessions());
        }
        ArrayNode sessions = node.putArray("sessions");
        v.sessions().forEach(s -> sessions.add(session(s)));
        ArrayNode recent = node.putArray("recent_sessions");
        v.recentSessions().forEach(s -> recent.add(session(s)));
        ArrayNode tasks = node.putArray("tasks");
        v.tasks().forEach(t -> tasks.add(task(t)));
        ArrayNode alerts = node.putArray("alerts");
        v.alerts().forEach(a -> alerts.add(alert(a)));
        return node;
    }

    /** {@code GET /teams/{id}/spend}: buckets as offset date-times of the zone, one cost array per series. */
    public ObjectNode spend(SpendSeries s) {
        ObjectNode node = NODES.objectNode();
        node.put("range", s.range().wireName());
        node.put("by", s.by().wireName());
        node.put("zone", s.zone().getId());
        node.put("bucket_seconds", s.bucketSeconds());
        ArrayNode buckets = node.putArray("buckets");
        s.buckets().forEach(b -> buckets.add(b.toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
        ArrayNode series = node.putArray("series");
        for (SpendSeries.Series one : s.series()) {
            ObjectNode row = series.addObject();
            row.put("name", one.name());
            ArrayNode costs = row.putArray("cost_usd");
            one.costMicros().forEach(c -> costs.add(Money.toDollars(c)));
            row.put("total_usd", Money.toDollars(one.totalMicros()));
        }
        ArrayNode totals = node.putArray("total_usd");
        s.totals().forEach(c -> totals.add(Money.toDollars(c)));
        return node;
    }

    /**
     * The name and {@code data} of a live event (SPEC: {@code GET /events}), or null for an event the stream does
     * not carry.
     */
    public Map.Entry<String, ObjectNode> event(LedgerEvent event) {
        ObjectNode node = NODES.objectNode();
        String name;
        if (event instanceof LedgerEvent.UsageRecorded u) {
            UsageReceipt r = u.receipt();
            name = "usage";
            node.put("session_id", r.sessionId());
            node.put("agent_id", r.session().agentId());
            node.put("agent_name", r.session().agentName());
            node.put("team_id", r.session().teamId());
            node.put("event_id", r.eventId());
            node.put("cost_usd", Money.toDollars(r.costMicros()));
            node.set("session", session(r.session()));
            node.put("action", r.action().wireName());
            node.put("stop_reason", r.stopReason());
            node.put("recorded_at", time(u.recordedAt()));
        } else if (event instanceof LedgerEvent.SessionChanged c) {
            name = "session";
            node.set("session", session(c.session()));
        } else if (event instanceof LedgerEvent.SessionKilled k) {
            name = "kill";
            node.set("session", session(k.session()));
            node.put("reason", k.reason());
        } else if (event instanceof LedgerEvent.AlertFired a) {
            name = "alert";
            node.set("alert", alert(a.alert()));
        } else if (event instanceof LedgerEvent.AgentPaused a) {
            name = "agent";
            node.put("agent_id", a.agentId());
            node.put("paused", a.paused());
        } else if (event instanceof LedgerEvent.TeamPaused t) {
            name = "team";
            node.put("team_id", t.teamId());
            node.put("paused", t.paused());
        } else if (event instanceof LedgerEvent.ExternalChange) {
            name = "refresh";
        } else {
            return null;
        }
        return Map.entry(name, node);
    }

    /** The first event of a stream: {@code {"now", "team_id"}}. */
    public ObjectNode hello(long teamId) {
        ObjectNode node = NODES.objectNode();
        node.put("now", time(clock.instant()));
        node.put("team_id", teamId);
        return node;
    }

    /** The error body {@code {"error": {"code", "message", "details"}}}; a refusal carries its budget. */
    public ObjectNode error(LedgerException e) {
        ObjectNode node = NODES.objectNode();
        ObjectNode error = node.putObject("error");
        error.put("code", e.code().wireName());
        error.put("message", e.getMessage());
        ObjectNode details = error.putObject("details");
        e.details().forEach((key, value) -> details.putPOJO(key, value));
        if (e instanceof BudgetExceededException refused) {
            details.set("budget", budget(refused.budget()));
        }
        return node;
    }

    private static java.math.BigDecimal dollars(Long micros) {
        return micros == null ? null : Money.toDollars(micros);
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
