package dev.entourage.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.ReportJson;
import dev.entourage.http.json.SettingsJson;
import dev.entourage.ledger.CostReport;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.SpendSeries;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.access.Principal;
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

    ReportRoutes(LedgerServices ledger, ReportJson json) {
        this.ledger = ledger;
        this.json = json;
    }

    /** Adds these routes to {@code router}, each with who may call it. */
    void addTo(Router router) {
        router.add("GET", "/teams/{team_id}/costs", Access.PEOPLE, this::costs)
                .add("GET", "/teams/{team_id}/alerts", Access.PEOPLE, this::alerts)
                .add("GET", "/dashboard", Access.PEOPLE, this::dashboard)
                .add("GET", "/teams/{team_id}/spend", Access.PEOPLE, this::spend);
    }

    private Reply costs(Call call) {
        Query query = call.query("since", "until", "format", "by");
        String format = query.choice("format", List.of("json", "csv"));
        String by = query.choice("by", CostsCsv.GROUPINGS);
        boolean csv = format != null ? format.equals("csv") : prefersCsv(call.header("Accept"));
        Ref teamRef = Ref.parse(call.path("team_id"));
        CostReport report = ledger.reports().costs(call.actor(), teamRef, query.date("since"), query.date("until"));
        if (!csv) {
            return Reply.ok(json.costs(report));
        }
        Team team = ledger.settings().team(call.actor(), Ref.id(report.teamId()));
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
