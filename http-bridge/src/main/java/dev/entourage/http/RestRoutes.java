package dev.entourage.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.AccessJson;
import dev.entourage.http.json.Fields;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.http.json.LedgerRequests;
import dev.entourage.http.json.RestRequests;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.BudgetHold;
import dev.entourage.ledger.CostReport;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.HoldReceipt;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerService;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SessionQuery;
import dev.entourage.ledger.SessionStart;
import dev.entourage.ledger.SessionStatus;
import dev.entourage.ledger.SpendSeries;
import dev.entourage.ledger.Task;
import dev.entourage.ledger.TaskSpend;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TeamSettings;
import dev.entourage.ledger.UsageReceipt;
import dev.entourage.ledger.UsageReport;
import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.access.Role;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The REST routes of SPEC §5, each a thin adapter: check the role, decode strictly, resolve the path's
 * objects within the caller's team ({@link Guard}), call one service method, encode with {@link LedgerJson}.
 */
final class RestRoutes {
    static final int DEFAULT_SESSION_LIMIT = 100;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final LedgerService ledger;
    private final AccessService access;
    private final Tokens tokens;
    private final LedgerJson json;
    private final Guard guard;

    RestRoutes(LedgerService ledger, AccessService access, Tokens tokens, LedgerJson json) {
        this.ledger = ledger;
        this.access = access;
        this.tokens = tokens;
        this.json = json;
        this.guard = new Guard(ledger);
    }

    private static final int DEFAULT_ALERT_LIMIT = 100;
    private static final int MAX_ALERT_LIMIT = 1000;

    Router router() {
        return new Router()
                .add("POST", "/agents/{agent_id}/sessions", this::startSession)
                .add("GET", "/agents/{agent_id}/sessions", this::sessions)
                .add("GET", "/agents/{agent_id}/budget", this::budget)
                .add("POST", "/agents/{agent_id}/budget/holds", this::reserve)
                .add("POST", "/sessions/{session_id}/usage", this::usage)
                .add("POST", "/sessions/{session_id}/end", this::end)
                .add("GET", "/sessions/{session_id}", this::session)
                .add("POST", "/sessions/{session_id}/kill", this::kill)
                .add("GET", "/holds/{hold_id}", this::hold)
                .add("DELETE", "/holds/{hold_id}", this::releaseHold)
                .add("PATCH", "/settings/teams/{team_id}", this::updateTeam)
                .add("PATCH", "/settings/agents/{agent_id}", this::updateAgent)
                .add("POST", "/teams/{team_id}/agents", this::createAgent)
                .add("POST", "/teams/{team_id}/tasks", this::createTask)
                .add("GET", "/teams/{team_id}/tasks", this::tasks)
                .add("GET", "/tasks/{task_id}", this::task)
                .add("GET", "/teams/{team_id}/costs", this::costs)
                .add("GET", "/teams/{team_id}/alerts", this::alerts)
                .add("GET", "/dashboard", this::dashboard)
                .add("GET", "/teams/{team_id}/spend", this::spend)
                .add("POST", "/auth/login", this::login)
                .add("POST", "/auth/keys", this::createKey)
                .add("GET", "/auth/keys", this::keys)
                .add("DELETE", "/auth/keys/{key_id}", this::revokeKey);
    }

    private Reply alerts(Call call) {
        Principal p = call.principal();
        Guard.people(p);
        Query query = call.query("limit");
        int limit = query.integer("limit", 1, MAX_ALERT_LIMIT, DEFAULT_ALERT_LIMIT);
        Team team = guard.team(p, call.path("team_id"));
        ObjectNode node = NODES.objectNode();
        ArrayNode alerts = node.putArray("alerts");
        ledger.alerts(Long.toString(team.id()), limit).forEach(a -> alerts.add(json.alert(a)));
        return Reply.ok(node);
    }

    /** The caller's team's dashboard in one document (people only). */
    private Reply dashboard(Call call) {
        Principal p = call.principal();
        Guard.people(p);
        call.query();
        return Reply.ok(json.dashboard(ledger.dashboard(Long.toString(p.teamId())), p.role().wireName()));
    }

    /** Spend over time for charts: {@code ?range=today|7d|30d&by=agent|model}. */
    private Reply spend(Call call) {
        Principal p = call.principal();
        Guard.people(p);
        Query query = call.query("range", "by");
        String range = query.choice("range", List.of("today", "7d", "30d"));
        String by = query.choice("by", List.of("agent", "model"));
        Team team = guard.team(p, call.path("team_id"));
        return Reply.ok(json.spend(ledger.spend(Long.toString(team.id()),
                SpendSeries.Range.fromWire(range == null ? "today" : range),
                SpendSeries.Split.fromWire(by == null ? "agent" : by))));
    }

    private Reply startSession(Call call) {
        Principal p = call.principal();
        Guard.writes(p);
        call.query();
        LedgerRequests.StartSession request = LedgerRequests.startSession(call.body());
        Agent agent = guard.agent(p, call.path("agent_id"));
        if (request.taskId() != null) {
            guard.task(p, request.taskId());
        }
        SessionStart start = ledger.startSession(agent.id(), request.taskId(), request.model());
        return new Reply(201, json.session(start.session()), null, null,
                Map.of("Location", "/api/v1/sessions/" + start.session().id()));
    }

    private Reply sessions(Call call) {
        Principal p = call.principal();
        Query query = call.query("status", "task_id", "limit");
        String status = query.string("status");
        SessionQuery filter = new SessionQuery(status == null ? null : SessionStatus.fromWire(status),
                query.id("task_id"), query.integer("limit", 1, SessionQuery.MAX_LIMIT, DEFAULT_SESSION_LIMIT));
        Agent agent = guard.agent(p, call.path("agent_id"));
        ObjectNode node = NODES.objectNode();
        ArrayNode sessions = node.putArray("sessions");
        ledger.sessions(agent.id(), filter).forEach(s -> sessions.add(json.session(s)));
        return Reply.ok(node);
    }

    private Reply budget(Call call) {
        Principal p = call.principal();
        Long taskId = call.query("task_id").id("task_id");
        Agent agent = guard.agent(p, call.path("agent_id"));
        if (taskId != null) {
            guard.task(p, taskId);
        }
        return Reply.ok(json.budget(ledger.checkBudget(agent.id(), taskId, null)));
    }

    /** Reserves an estimate: 201 with the hold when it fits, else 402 naming the scope that would trip. */
    private Reply reserve(Call call) {
        Principal p = call.principal();
        Guard.writes(p);
        call.query();
        LedgerRequests.BudgetCheck request = LedgerRequests.hold(call.body());
        Agent agent = guard.agent(p, call.path("agent_id"));
        if (request.taskId() != null) {
            guard.task(p, request.taskId());
        }
        HoldReceipt receipt = ledger.reserve(agent.id(), request.taskId(), null, request.estimateMicros());
        return new Reply(201, json.reservation(receipt), null, null,
                Map.of("Location", "/api/v1/holds/" + receipt.hold().id()));
    }

    private Reply hold(Call call) {
        call.query();
        return Reply.ok(json.hold(guard.hold(call.principal(), call.path("hold_id"))));
    }

    /** Releases a hold; releasing one that is settled, released or expired answers it as it is. */
    private Reply releaseHold(Call call) {
        Principal p = call.principal();
        Guard.writes(p);
        call.query();
        Fields.of(call.body(), Set.of());
        BudgetHold hold = guard.hold(p, call.path("hold_id"));
        return Reply.ok(json.hold(ledger.releaseHold(hold.id(), actingAgent(p))));
    }

    private Reply usage(Call call) {
        Principal p = call.principal();
        Guard.writes(p);
        call.query();
        long sessionId = call.pathId("session_id");
        UsageReport report = LedgerRequests.usage(call.body(), sessionId);
        if (report.sessionId() != sessionId) {
            throw LedgerException.invalid("session_id", "the body names session " + report.sessionId()
                    + " but the path session " + sessionId + "; leave it out of the body");
        }
        report = withIdempotencyKey(report, call.header("Idempotency-Key"));
        guard.session(p, sessionId);
        UsageReceipt receipt = ledger.reportUsage(report, actingAgent(p));
        return new Reply(receipt.duplicate() ? 200 : 201, json.usage(receipt), null, null, Map.of());
    }

    private static UsageReport withIdempotencyKey(UsageReport report, String key) {
        if (key == null) {
            return report;
        }
        String header = "Idempotency-Key";
        String trimmed = key.strip();
        if (trimmed.isEmpty() || trimmed.length() > 200 || trimmed.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            throw LedgerException.invalid(header, "must be 1 to 200 printable ASCII characters");
        }
        if (report.eventId() == null) {
            return report.withEventId(trimmed);
        }
        if (!report.eventId().equals(trimmed)) {
            throw LedgerException.invalid("event_id", "differs from the Idempotency-Key header; send one of them, "
                    + "or the same value in both");
        }
        return report;
    }

    private Reply end(Call call) {
        Principal p = call.principal();
        Guard.writes(p);
        call.query();
        long sessionId = call.pathId("session_id");
        long named = LedgerRequests.endSession(call.body(), sessionId);
        if (named != sessionId) {
            throw LedgerException.invalid("session_id", "the body names session " + named + " but the path session "
                    + sessionId + "; leave it out of the body");
        }
        guard.session(p, sessionId);
        return Reply.ok(json.session(ledger.endSession(sessionId, actingAgent(p))));
    }

    private Reply session(Call call) {
        call.query();
        return Reply.ok(json.session(guard.session(call.principal(), call.pathId("session_id"))));
    }

    private Reply kill(Call call) {
        Principal p = call.principal();
        Guard.admin(p);
        call.query();
        long sessionId = call.pathId("session_id");
        String reason = RestRequests.killReason(call.body());
        guard.session(p, sessionId);
        return Reply.ok(json.session(ledger.killSession(sessionId, reason)));
    }

    private Reply updateTeam(Call call) {
        Principal p = call.principal();
        Guard.admin(p);
        call.query();
        TeamSettings settings = RestRequests.teamSettings(call.body());
        Team team = guard.team(p, call.path("team_id"));
        return Reply.ok(json.team(ledger.updateTeam(Long.toString(team.id()), settings)));
    }

    private Reply updateAgent(Call call) {
        Principal p = call.principal();
        Guard.admin(p);
        call.query();
        AgentSettings settings = RestRequests.agentSettings(call.body());
        Agent agent = guard.agent(p, call.path("agent_id"));
        return Reply.ok(json.agent(ledger.updateAgent(Long.toString(agent.id()), settings)));
    }

    private Reply createAgent(Call call) {
        Principal p = call.principal();
        Guard.admin(p);
        call.query();
        RestRequests.NewAgent request = RestRequests.newAgent(call.body());
        Team team = guard.team(p, call.path("team_id"));
        return Reply.created(json.agent(ledger.createAgent(Long.toString(team.id()), request.name(),
                request.dailyLimitMicros())));
    }

    private Reply createTask(Call call) {
        Principal p = call.principal();
        Guard.admin(p);
        call.query();
        NewTask request = RestRequests.newTask(call.body());
        Team team = guard.team(p, call.path("team_id"));
        Task task = ledger.createTask(Long.toString(team.id()), request);
        return new Reply(201, json.task(task), null, null, Map.of("Location", "/api/v1/tasks/" + task.id()));
    }

    private Reply tasks(Call call) {
        call.query();
        Team team = guard.team(call.principal(), call.path("team_id"));
        ObjectNode node = NODES.objectNode();
        ArrayNode tasks = node.putArray("tasks");
        ledger.tasks(Long.toString(team.id())).forEach(t -> tasks.add(json.task(t)));
        return Reply.ok(node);
    }

    private Reply task(Call call) {
        call.query();
        long taskId = call.pathId("task_id");
        TaskSpend spend = ledger.taskSpend(taskId);
        if (spend.task().teamId() != call.principal().teamId()) {
            throw LedgerException.notFound("task_id", "task " + taskId + " does not exist");
        }
        return Reply.ok(json.task(spend));
    }

    private Reply costs(Call call) {
        Principal p = call.principal();
        Guard.people(p);
        Query query = call.query("since", "until", "format", "by");
        String format = query.choice("format", List.of("json", "csv"));
        String by = query.choice("by", CostsCsv.GROUPINGS);
        boolean csv = format != null ? format.equals("csv") : prefersCsv(call.header("Accept"));
        Team team = guard.team(p, call.path("team_id"));
        CostReport report = ledger.costs(Long.toString(team.id()), query.date("since"), query.date("until"));
        if (!csv) {
            return Reply.ok(json.costs(report));
        }
        String file = "costs-" + team.name() + (by == null ? "" : "-by-" + by) + "-" + report.since() + "-"
                + report.until() + ".csv";
        return Reply.text(CostsCsv.CONTENT_TYPE, by == null ? CostsCsv.of(report) : CostsCsv.grouped(report, by),
                Map.of("Content-Disposition", "attachment; filename=\"" + file + "\""));
    }

    /** Whether {@code Accept} asks for CSV rather than JSON: text/csv listed, and before any JSON type. */
    static boolean prefersCsv(String accept) {
        if (accept == null) {
            return false;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            boolean refused = Arrays.stream(parts).skip(1).map(s -> s.replace(" ", ""))
                    .anyMatch(s -> s.matches("(?i)q=0(\\.0*)?"));
            if (refused) {
                continue;
            }
            if (type.equals("text/csv")) {
                return true;
            }
            if (type.equals("application/json") || type.equals("application/*")) {
                return false;
            }
        }
        return false;
    }

    private Reply login(Call call) {
        call.query();
        RestRequests.Login request = RestRequests.login(call.body());
        char[] password = request.password().toCharArray();
        Principal principal;
        try {
            principal = access.login(request.email(), password).orElseThrow(() -> new LedgerException(
                    ErrorCode.UNAUTHENTICATED, "The email or password is wrong.", Map.of(), null));
        } finally {
            Arrays.fill(password, '\0');
        }
        return Reply.ok(AccessJson.token(tokens.issue(principal), Tokens.LIFETIME));
    }

    private Reply createKey(Call call) {
        Principal p = call.principal();
        Guard.admin(p);
        call.query();
        RestRequests.NewKey request = RestRequests.newKey(call.body());
        return Reply.created(AccessJson.issued(access.createKey(Long.toString(p.teamId()), request.role(),
                request.agent(), request.name())));
    }

    private Reply keys(Call call) {
        Principal p = call.principal();
        Guard.people(p);
        call.query();
        return Reply.ok(AccessJson.keys(access.keys(p.teamId())));
    }

    private Reply revokeKey(Call call) {
        Principal p = call.principal();
        Guard.admin(p);
        call.query();
        long keyId = call.pathId("key_id");
        Fields.of(call.body(), Set.of());
        return Reply.ok(AccessJson.key(access.revokeKey(keyId, p.teamId())));
    }

    private static Long actingAgent(Principal p) {
        return p.role() == Role.AGENT ? p.agentId() : null;
    }
}
