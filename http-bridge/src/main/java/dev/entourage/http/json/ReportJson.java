package dev.entourage.http.json;

import static dev.entourage.http.json.WireValues.dollars;
import static dev.entourage.http.json.WireValues.time;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.CostReport;
import dev.entourage.ledger.DashboardView;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.SessionUsage;
import dev.entourage.ledger.SpendSeries;
import dev.entourage.ledger.StoredUsage;
import dev.entourage.ledger.UsageEntry;
import dev.entourage.ledger.UsageReceipt;
import dev.entourage.ledger.events.LedgerEvent;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON shapes of SPEC §5 for a team as a whole: costs over days, the dashboard document, spend over time, and
 * the live events of {@code GET /events}. Sessions and settings inside them are encoded by {@link LedgerJson} and
 * {@link SettingsJson}; the schemas are in {@link ReportSchemas}.
 */
public final class ReportJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Clock clock;
    private final LedgerJson ledgerJson;

    /** An encoder whose sessions and stream greetings take the time from {@code clock}. */
    public ReportJson(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ledgerJson = new LedgerJson(clock);
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
        node.put("unpriced_usd", Money.toDollars(report.unpriced().totalMicros()));
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
            row.put("unpriced_usd", Money.toDollars(report.unpriced().session(s.sessionId())));
        }
        node.put("session_count", report.sessionCount());
        node.put("next_cursor", report.nextCursor());
        groups(node.putArray("by_agent"), report.byAgent(), "agent_id", "agent_name");
        ArrayNode models = node.putArray("by_model");
        groups(models, report.byModel(), null, "model");
        models.forEach(row -> ((ObjectNode) row).put("unpriced_usd",
                Money.toDollars(report.unpriced().model(row.path("model").textValue()))));
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
        node.set("team", SettingsJson.team(v.team()));
        node.put("role", role);
        node.put("now", time(v.now()));
        ObjectNode today = node.putObject("today");
        today.put("date", v.day().date().toString());
        today.put("spent_usd", Money.toDollars(v.spentMicros()));
        today.put("limit_usd", dollars(v.limitMicros()));
        today.put("remaining_usd", dollars(v.remainingMicros()));
        today.put("resets_at", time(v.day().resetsAt()));
        today.put("unpriced_usd", Money.toDollars(v.unpriced().totalMicros()));
        ArrayNode unpricedModels = today.putArray("unpriced_models");
        v.unpriced().byModel().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> unpricedModels.addObject().put("model", e.getKey())
                        .put("unpriced_usd", Money.toDollars(e.getValue())));
        ArrayNode unpricedSessions = today.putArray("unpriced_sessions");
        v.unpriced().bySession().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> unpricedSessions.addObject().put("session_id", e.getKey())
                        .put("unpriced_usd", Money.toDollars(e.getValue())));
        ArrayNode agents = node.putArray("agents");
        for (DashboardView.AgentDay a : v.agents()) {
            ObjectNode row = agents.addObject();
            row.put("id", a.agent().id());
            row.put("name", a.agent().name());
            row.put("paused", a.agent().paused());
            row.put("daily_limit_usd", dollars(a.agent().dailyLimitMicros()));
            row.put("daily_spent_usd", Money.toDollars(a.spentMicros()));
            row.put("daily_remaining_usd", dollars(a.remainingMicros()));
            row.put("held_usd", Money.toDollars(a.heldMicros()));
            row.put("active_sessions", a.activeSessions());
        }
        ArrayNode sessions = node.putArray("sessions");
        v.sessions().forEach(s -> sessions.add(ledgerJson.session(s)));
        node.put("active_session_count", v.activeCount());
        node.put("sessions_next_cursor", v.moreSessions());
        ArrayNode recent = node.putArray("recent_sessions");
        v.recentSessions().forEach(s -> recent.add(ledgerJson.session(s)));
        ArrayNode tasks = node.putArray("tasks");
        v.tasks().forEach(t -> tasks.add(SettingsJson.task(t)));
        ArrayNode alerts = node.putArray("alerts");
        v.alerts().forEach(a -> alerts.add(SettingsJson.alert(a)));
        return node;
    }

    /** {@code GET /sessions/{id}/usage}: the session and one page of its usage events, newest first. */
    public ObjectNode sessionUsage(SessionUsage page) {
        ObjectNode node = NODES.objectNode();
        node.set("session", ledgerJson.session(page.session()));
        ArrayNode events = node.putArray("events");
        for (UsageEntry entry : page.events()) {
            StoredUsage e = entry.usage();
            ObjectNode row = events.addObject();
            row.put("id", entry.id());
            row.put("event_id", e.eventId());
            row.put("reported_at", time(e.reportedAt()));
            row.put("model", e.model());
            row.put("input_tokens", e.tokens().input());
            row.put("output_tokens", e.tokens().output());
            row.put("cache_creation_input_tokens", e.tokens().cacheCreation());
            row.put("cache_creation_1h_input_tokens", e.tokens().cacheCreation1h());
            row.put("cache_read_input_tokens", e.tokens().cacheRead());
            row.put("cost_usd", Money.toDollars(e.costMicros()));
            row.put("cost_source", e.costSource().wireName());
            row.put("action", e.action().wireName());
            row.put("stop_reason", e.stopReason());
            row.put("claim", e.claim());
            row.put("priced_cost_usd", dollars(e.labels().pricedCostMicros()));
            row.put("speed", e.labels().speed());
            row.put("service_tier", e.labels().serviceTier());
            row.put("inference_geo", e.labels().inferenceGeo());
            row.put("query_source", e.labels().querySource());
            row.put("subagent", e.labels().subagent());
        }
        node.put("next_before", page.nextBefore());
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
            node.set("session", ledgerJson.session(r.session()));
            node.put("action", r.action().wireName());
            node.put("stop_reason", r.stopReason());
            node.put("claim", r.claim());
            node.put("recorded_at", time(u.recordedAt()));
        } else if (event instanceof LedgerEvent.SessionChanged c) {
            name = "session";
            node.set("session", ledgerJson.session(c.session()));
        } else if (event instanceof LedgerEvent.SessionKilled k) {
            name = "kill";
            node.set("session", ledgerJson.session(k.session()));
            node.put("reason", k.reason());
        } else if (event instanceof LedgerEvent.AlertFired a) {
            name = "alert";
            node.set("alert", SettingsJson.alert(a.alert()));
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
}
