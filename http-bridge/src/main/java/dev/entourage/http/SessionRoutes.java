package dev.entourage.http;

import dev.entourage.http.json.LedgerJson;
import dev.entourage.http.json.LedgerRequests;
import dev.entourage.http.json.ReportJson;
import dev.entourage.http.json.RestRequests;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.PageCursor;
import dev.entourage.ledger.SessionPage;
import dev.entourage.ledger.SessionStart;
import dev.entourage.ledger.SessionStatus;
import dev.entourage.ledger.SessionUsage;
import dev.entourage.ledger.UsageReceipt;
import dev.entourage.ledger.UsageReport;
import java.util.Map;

/**
 * The session routes of SPEC §5: start and list an agent's sessions, read one, report usage into it, list its usage
 * events, end it and (admins) kill it. Each handler decodes strictly and calls one service method with the
 * caller's {@link dev.entourage.ledger.Actor}, which checks it inside its transaction; it encodes with
 * {@link LedgerJson}.
 */
final class SessionRoutes {
    static final int DEFAULT_USAGE_LIMIT = 100;

    private final LedgerServices ledger;
    private final LedgerJson json;
    private final ReportJson reports;

    SessionRoutes(LedgerServices ledger, LedgerJson json, ReportJson reports) {
        this.ledger = ledger;
        this.json = json;
        this.reports = reports;
    }

    /** Adds these routes to {@code router}, each with who may call it. */
    void addTo(Router router) {
        router.add("POST", "/agents/{agent_id}/sessions", Access.WRITERS, this::startSession)
                .add("GET", "/agents/{agent_id}/sessions", Access.AUTHENTICATED, this::sessions)
                .add("POST", "/sessions/{session_id}/usage", Access.WRITERS, this::usage)
                .add("GET", "/sessions/{session_id}/usage", Access.AUTHENTICATED, this::usageEvents)
                .add("POST", "/sessions/{session_id}/end", Access.WRITERS, this::end)
                .add("GET", "/sessions/{session_id}", Access.AUTHENTICATED, this::session)
                .add("POST", "/sessions/{session_id}/kill", Access.ADMIN, this::kill);
    }

    private Reply startSession(Call call) {
        call.query();
        LedgerRequests.StartSession request = LedgerRequests.startSession(call.body());
        SessionStart start = ledger.sessions().start(call.actor(), Ref.parse(call.path("agent_id")), request.taskId(),
                request.model());
        return new Reply(201, json.session(start.session()), null, null,
                Map.of("Location", "/api/v1/sessions/" + start.session().id()));
    }

    /** One page of an agent's sessions, newest first: {@code limit} (default 50, at most 500), {@code cursor}. */
    private Reply sessions(Call call) {
        Query query = call.query("status", "task_id", "limit", "cursor");
        String status = query.string("status");
        SessionPage page = ledger.sessions().page(call.actor(), Ref.parse(call.path("agent_id")),
                status == null ? null : SessionStatus.fromWire(status), query.id("task_id"), query.string("cursor"),
                query.integer("limit", 1, PageCursor.MAX_LIMIT, PageCursor.DEFAULT_LIMIT));
        return Reply.ok(json.sessionPage(page));
    }

    private Reply usage(Call call) {
        call.query();
        long sessionId = call.pathId("session_id");
        UsageReport report = LedgerRequests.usage(call.body(), sessionId);
        if (report.sessionId() != sessionId) {
            throw LedgerException.invalid("session_id", "the body names session " + report.sessionId()
                    + " but the path session " + sessionId + "; leave it out of the body");
        }
        report = withIdempotencyKey(report, call.header("Idempotency-Key"));
        UsageReceipt receipt = ledger.usage().report(call.actor(), report);
        return new Reply(receipt.duplicate() ? 200 : 201, json.usage(receipt), null, null, Map.of());
    }

    private Reply usageEvents(Call call) {
        Query query = call.query("limit", "before");
        SessionUsage page = ledger.reports().sessionUsage(call.actor(), call.pathId("session_id"), query.id("before"),
                query.integer("limit", 1, SessionUsage.MAX_LIMIT, DEFAULT_USAGE_LIMIT));
        return Reply.ok(reports.sessionUsage(page));
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
        call.query();
        long sessionId = call.pathId("session_id");
        long named = LedgerRequests.endSession(call.body(), sessionId);
        if (named != sessionId) {
            throw LedgerException.invalid("session_id", "the body names session " + named + " but the path session "
                    + sessionId + "; leave it out of the body");
        }
        return Reply.ok(json.session(ledger.sessions().end(call.actor(), sessionId)));
    }

    private Reply session(Call call) {
        call.query();
        return Reply.ok(json.session(ledger.sessions().get(call.actor(), call.pathId("session_id"))));
    }

    private Reply kill(Call call) {
        call.query();
        long sessionId = call.pathId("session_id");
        String reason = RestRequests.killReason(call.body());
        return Reply.ok(json.session(ledger.sessions().kill(call.actor(), sessionId, reason)));
    }
}
