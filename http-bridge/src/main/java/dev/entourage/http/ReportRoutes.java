package dev.entourage.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.http.json.ReportJson;
import dev.entourage.http.json.SettingsJson;
import dev.entourage.ledger.CostExport;
import dev.entourage.ledger.CostReport;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.PageCursor;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.SessionPage;
import dev.entourage.ledger.SpendSeries;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.access.Principal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The team-wide report routes of SPEC §5, for people: costs (JSON or CSV), alerts, the dashboard document and
 * spend over time. Each handler decodes strictly and calls one service method with the
 * caller's {@link dev.entourage.ledger.Actor}, which checks it inside its transaction; it encodes with
 * {@link ReportJson} (alerts: {@link SettingsJson}) or {@link CostsCsv}.
 */
final class ReportRoutes {
    private static final int DEFAULT_ALERT_LIMIT = 100;
    private static final int MAX_ALERT_LIMIT = 1000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final LedgerServices ledger;
    private final ReportJson json;
    private final LedgerJson sessionJson;

    ReportRoutes(LedgerServices ledger, ReportJson json, LedgerJson sessionJson) {
        this.ledger = ledger;
        this.json = json;
        this.sessionJson = sessionJson;
    }

    /** Adds these routes to {@code router}, each with who may call it. */
    void addTo(Router router) {
        router.add("GET", "/teams/{team_id}/costs", Access.PEOPLE, this::costs)
                .add("GET", "/teams/{team_id}/alerts", Access.PEOPLE, this::alerts)
                .add("GET", "/dashboard", Access.PEOPLE, this::dashboard)
                .add("GET", "/teams/{team_id}/spend", Access.PEOPLE, this::spend)
                .add("GET", "/teams/{team_id}/sessions", Access.PEOPLE, this::sessions);
    }

    /**
     * Costs as JSON with one page of sessions ({@code limit}, {@code cursor}), or as CSV: grouped, or every session
     * streamed in pages of {@value PageCursor#MAX_LIMIT}.
     */
    private Reply costs(Call call) {
        Query query = call.query("since", "until", "format", "by", "limit", "cursor");
        String format = query.choice("format", List.of("json", "csv"));
        String by = query.choice("by", CostsCsv.GROUPINGS);
        boolean csv = format != null ? format.equals("csv") : prefersCsv(call.header("Accept"));
        Ref teamRef = Ref.parse(call.path("team_id"));
        LocalDate since = query.date("since");
        LocalDate until = query.date("until");
        int limit = csv ? PageCursor.MAX_LIMIT
                : query.integer("limit", 1, PageCursor.MAX_LIMIT, PageCursor.DEFAULT_LIMIT);
        String cursor = query.string("cursor");
        CostReport report = ledger.reports().costs(call.actor(), teamRef, since, until, cursor, limit);
        if (!csv) {
            return Reply.ok(json.costs(report));
        }
        Team team = ledger.settings().team(call.actor(), Ref.id(report.teamId()));
        String file = "costs-" + team.name() + (by == null ? "" : "-by-" + by) + "-" + report.since() + "-"
                + report.until() + ".csv";
        Map<String, String> headers = Map.of("Content-Disposition", "attachment; filename=\"" + file + "\"");
        if (by != null) {
            return Reply.text(CostsCsv.CONTENT_TYPE, CostsCsv.grouped(report, by), headers);
        }
        CostExport export = report.nextCursor() == null ? after -> null
                : ledger.reports().costExport(call.actor(), report, limit);
        return Reply.streamed(CostsCsv.CONTENT_TYPE, headers, out -> CostsCsv.stream(report, export::page, out));
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

    private Reply alerts(Call call) {
        Query query = call.query("limit");
        int limit = query.integer("limit", 1, MAX_ALERT_LIMIT, DEFAULT_ALERT_LIMIT);
        ObjectNode node = NODES.objectNode();
        ArrayNode alerts = node.putArray("alerts");
        ledger.alerts().alerts(call.actor(), Ref.parse(call.path("team_id")), limit)
                .forEach(a -> alerts.add(SettingsJson.alert(a)));
        return Reply.ok(node);
    }

    /** The caller's team's dashboard in one document (people only). */
    private Reply dashboard(Call call) {
        Principal p = call.principal();
        call.query();
        return Reply.ok(json.dashboard(ledger.reports().dashboard(call.actor(), Ref.id(p.teamId())),
                p.role().wireName()));
    }

    /**
     * One page of the team's sessions, newest first: {@code status=active} (default) or {@code closed} (ended and
     * killed), {@code limit}, {@code cursor}; the dashboard's {@code sessions_next_cursor} reads on from its list.
     */
    private Reply sessions(Call call) {
        Query query = call.query("status", "limit", "cursor");
        String status = query.choice("status", List.of("active", "closed"));
        SessionPage page = ledger.reports().teamSessions(call.actor(), Ref.parse(call.path("team_id")),
                status == null || status.equals("active"), query.string("cursor"),
                query.integer("limit", 1, PageCursor.MAX_LIMIT, PageCursor.DEFAULT_LIMIT));
        return Reply.ok(sessionJson.sessionPage(page));
    }

    /** Spend over time for charts: {@code ?range=today|7d|30d&by=agent|model}. */
    private Reply spend(Call call) {
        Query query = call.query("range", "by");
        String range = query.choice("range", List.of("today", "7d", "30d"));
        String by = query.choice("by", List.of("agent", "model"));
        return Reply.ok(json.spend(ledger.reports().spend(call.actor(), Ref.parse(call.path("team_id")),
                SpendSeries.Range.fromWire(range == null ? "today" : range),
                SpendSeries.Split.fromWire(by == null ? "agent" : by))));
    }
}
