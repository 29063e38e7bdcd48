package dev.entourage.http;

import dev.entourage.http.json.Csv;
import dev.entourage.ledger.CostReport;
import dev.entourage.ledger.Money;
import java.util.List;

/**
 * A cost report's sessions, or its groups, as CSV, written by {@link Csv} (RFC 4180, formulas neutralised), the same
 * writer the CLI uses.
 */
final class CostsCsv {
    static final String CONTENT_TYPE = Csv.CONTENT_TYPE;
    static final List<String> HEADER = List.of("session_id", "agent_name", "task_id", "task_title", "model",
            "cost_usd", "input_tokens", "output_tokens", "tokens", "duration_minutes", "unpriced_usd");

    private CostsCsv() {
    }

    static String of(CostReport report) {
        return Csv.of(HEADER, report.sessions().stream().map(s -> row(report, s)).toList());
    }

    /**
     * Every session of the report's range, {@code first}'s page and then each next one {@code next} reads, written
     * as they come: an export keeps all rows.
     */
    static void stream(CostReport first, java.util.function.Function<String, CostReport.SessionPage> next,
                       java.io.Writer out) throws java.io.IOException {
        out.write(Csv.line(HEADER));
        CostReport.SessionPage page = new CostReport.SessionPage(first.sessions(), first.nextCursor());
        while (true) {
            for (CostReport.SessionCost s : page.sessions()) {
                out.write(Csv.line(row(first, s)));
            }
            if (page.nextCursor() == null) {
                return;
            }
            page = next.apply(page.nextCursor());
        }
    }

    private static List<String> row(CostReport report, CostReport.SessionCost s) {
        return List.of(Long.toString(s.sessionId()), text(s.agentName()),
                s.taskId() == null ? "" : Long.toString(s.taskId()), text(s.taskTitle()), text(s.model()),
                Money.toDollars(s.costMicros()).toPlainString(), Long.toString(s.inputTokens()),
                Long.toString(s.outputTokens()), Long.toString(s.tokens()), Long.toString(s.durationMinutes()),
                Money.toDollars(report.unpriced().session(s.sessionId())).toPlainString());
    }

    /** The values of {@code ?by=} that {@link #grouped} takes. */
    static final List<String> GROUPINGS = List.of("agent", "model", "task", "day");

    /**
     * One row per agent, model, task or day ({@code by}), after a header row, then a {@code total} row; days are every
     * day of the range, oldest first, the others highest cost first. {@code sessions} of the total row counts each
     * session once. By model, a last column {@code unpriced_usd} says what of the cost was priced for models without
     * a price.
     */
    static String grouped(CostReport report, String by) {
        List<List<String>> rows = new java.util.ArrayList<>();
        List<String> sums = List.of("cost_usd", "input_tokens", "output_tokens", "sessions");
        List<String> header = new java.util.ArrayList<>(switch (by) {
            case "agent" -> List.of("agent_id", "agent_name");
            case "model" -> List.of("model");
            case "task" -> List.of("task_id", "task_title");
            case "day" -> List.of("day");
            default -> throw new IllegalArgumentException("by " + by);
        });
        int keys = header.size();
        header.addAll(sums);
        boolean byModel = by.equals("model");
        if (byModel) {
            header.add("unpriced_usd");
        }
        if (by.equals("day")) {
            for (CostReport.DayCost d : report.byDay()) {
                rows.add(List.of(d.day().toString(), Money.toDollars(d.costMicros()).toPlainString(),
                        Long.toString(d.inputTokens()), Long.toString(d.outputTokens()), Integer.toString(d.sessions())));
            }
        } else {
            List<CostReport.CostGroup> groups = switch (by) {
                case "agent" -> report.byAgent();
                case "model" -> report.byModel();
                default -> report.byTask();
            };
            for (CostReport.CostGroup g : groups) {
                List<String> fields = new java.util.ArrayList<>();
                if (keys == 2) {
                    fields.add(g.id() == null ? "" : Long.toString(g.id()));
                }
                fields.add(text(g.name()));
                fields.addAll(List.of(Money.toDollars(g.costMicros()).toPlainString(), Long.toString(g.inputTokens()),
                        Long.toString(g.outputTokens()), Integer.toString(g.sessions())));
                if (byModel) {
                    fields.add(Money.toDollars(report.unpriced().model(g.name())).toPlainString());
                }
                rows.add(fields);
            }
        }
        List<String> total = new java.util.ArrayList<>();
        total.add("total");
        for (int i = 1; i < keys; i++) {
            total.add("");
        }
        total.addAll(List.of(Money.toDollars(report.totalCostMicros()).toPlainString(),
                Long.toString(report.totalInputTokens()), Long.toString(report.totalOutputTokens()),
                Integer.toString(report.sessionCount())));
        if (byModel) {
            total.add(Money.toDollars(report.unpriced().totalMicros()).toPlainString());
        }
        rows.add(total);
        return Csv.of(header, rows);
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
