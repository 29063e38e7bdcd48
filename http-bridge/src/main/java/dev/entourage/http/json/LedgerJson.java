package dev.entourage.http.json;

import static dev.entourage.http.json.WireValues.dollars;
import static dev.entourage.http.json.WireValues.time;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.Action;
import dev.entourage.ledger.Budget;
import dev.entourage.ledger.BudgetExceededException;
import dev.entourage.ledger.BudgetHold;
import dev.entourage.ledger.HoldReceipt;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.ScopeBudget;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SessionCapture;
import dev.entourage.ledger.SessionStart;
import dev.entourage.ledger.UsageReceipt;
import dev.entourage.ledger.UsageTotals;
import dev.entourage.ledger.Violation;
import java.time.Clock;
import java.util.Objects;

/**
 * The JSON shapes of SPEC §5 an agent's calls answer with: sessions, usage receipts, budgets, holds and errors,
 * built field by field from ledger values ({@link WireValues}: dollars, ISO-8601 UTC, unset as {@code null}).
 * Their schemas are in {@link SessionSchemas}; settings are encoded by {@link SettingsJson}, team reports and live
 * events by {@link ReportJson}.
 */
public final class LedgerJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Clock clock;

    /** An encoder whose sessions count their {@code duration_minutes} up to {@code clock}'s now. */
    public LedgerJson(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code {"sessions": [session…], "next_cursor"}}: one page of a session list. */
    public ObjectNode sessionPage(dev.entourage.ledger.SessionPage page) {
        ObjectNode node = NODES.objectNode();
        ArrayNode sessions = node.putArray("sessions");
        page.sessions().forEach(s -> sessions.add(session(s)));
        node.put("next_cursor", page.nextCursor());
        return node;
    }

    /**
     * A session with its usage totals, status and why it stopped, and for a coding agent's session what was captured:
     * its source and own id, where it ran, API errors, and the cost metric's cross-check.
     */
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
        SessionCapture c = s.capture();
        node.put("source", c.source());
        node.put("external_id", c.externalId());
        node.put("cwd", c.cwd());
        node.put("git_branch", c.gitBranch());
        node.put("api_errors", c.apiErrors());
        node.put("captured", c.captured());
        node.put("metric_cost_usd", dollars(c.metricCostMicros()));
        node.put("metric_mismatch", s.metricMismatch());
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

    /** Where a session, task, agent and team stand against each limit that applies, and what is over. */
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

    /**
     * The answer to a usage report, over REST and MCP alike: its cost, the session, the budget and the action;
     * {@code claim} and {@code note} say when the report was kept as a claim on a captured session.
     */
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
        node.put("claim", r.claim());
        node.put("note", r.note());
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
}
