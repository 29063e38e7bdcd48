package dev.entourage.http;

import static dev.entourage.http.Guard.actingAgent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.http.json.LedgerRequests;
import dev.entourage.http.json.RestRequests;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerService;
import dev.entourage.ledger.SessionQuery;
import dev.entourage.ledger.SessionStart;
import dev.entourage.ledger.SessionStatus;
import dev.entourage.ledger.UsageReceipt;
import dev.entourage.ledger.UsageReport;
import dev.entourage.ledger.access.Principal;
import java.util.Map;

/**
 * The session routes of SPEC §5: start and list an agent's sessions, read one, report usage into it, end it and
 * (admins) kill it. Each handler decodes strictly, resolves the path's objects within the caller's team
 * ({@link Guard}), calls one service method and encodes with {@link LedgerJson}.
 */
final class SessionRoutes {
    static final int DEFAULT_SESSION_LIMIT = 100;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final LedgerService ledger;
    private final LedgerJson json;
    private final Guard guard;

    SessionRoutes(LedgerService ledger, LedgerJson json, Guard guard) {
        this.ledger = ledger;
        this.json = json;
        this.guard = guard;
    }

    /** Adds these routes to {@code router}, each with who may call it. */
    void addTo(Router router) {
        router.add("POST", "/agents/{agent_id}/sessions", Access.WRITERS, this::startSession)
                .add("GET", "/agents/{agent_id}/sessions", Access.AUTHENTICATED, this::sessions)
                .add("POST", "/sessions/{session_id}/usage", Access.WRITERS, this::usage)
                .add("POST", "/sessions/{session_id}/end", Access.WRITERS, this::end)
                .add("GET", "/sessions/{session_id}", Access.AUTHENTICATED, this::session)
                .add("POST", "/sessions/{session_id}/kill", Access.ADMIN, this::kill);
    }

    private Reply startSession(Call call) {
        Principal p = call.principal();
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

    private Reply usage(Call call) {
        Principal p = call.principal();
        call.query();
        long sessionId = call.pathId("session_id");
        UsageReport report = LedgerRequests.usage(call.body(), sessionId);
        if (report.sessionId() != sessionId) {
            throw LedgerException.invalid("session_id", "the body names session " + report.sessionId()
                    + " but the path session " + sessionId + "; leave it out of the body");
        }
        report = withIdempotencyKey(report, call.header("Idempotency-Key"));
        UsageReceipt receipt = ledger.reportUsage(report, actingAgent(p), p.teamId());
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
        call.query();
        long sessionId = call.pathId("session_id");
        String reason = RestRequests.killReason(call.body());
        guard.session(p, sessionId);
        return Reply.ok(json.session(ledger.killSession(sessionId, reason)));
    }
}
