package dev.entourage.http;

import dev.entourage.ledger.CostReport;
import dev.entourage.ledger.Money;
import java.util.List;

/**
 * A cost report's sessions, or its groups, as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or
 * line break, quotes doubled). Text that a spreadsheet would run as a formula ({@code = + - @}, tab, CR) is
 * prefixed with {@code '}.
 */
final class CostsCsv {
    static final String CONTENT_TYPE = "text/csv; charset=utf-8";
    static final List<String> HEADER = List.of("session_id", "agent_name", "task_id", "task_title", "model",
            "cost_usd", "input_tokens", "output_tokens", "tokens", "duration_minutes");

    private CostsCsv() {
    }

    static String of(CostReport report) {
        StringBuilder out = new StringBuilder();
        row(out, HEADER);
        for (CostReport.SessionCost s : report.sessions()) {
            row(out, List.of(Long.toString(s.sessionId()), text(s.agentName()),
                    s.taskId() == null ? "" : Long.toString(s.taskId()), text(s.taskTitle()), text(s.model()),
                    Money.toDollars(s.costMicros()).toPlainString(), Long.toString(s.inputTokens()),
                    Long.toString(s.outputTokens()), Long.toString(s.tokens()), Long.toString(s.durationMinutes())));
        }
        return out.toString();
    }

    /** The values of {@code ?by=} that {@link #grouped} takes. */
    static final List<String> GROUPINGS = List.of("agent", "model", "task", "day");

    /**
     * One row per agent, model, task or day ({@code by}), after a header row, then a {@code total} row; days are every
     * day of the range, oldest first, the others highest cost first. {@code sessions} of the total row counts each
     * session once.
     */
    static String grouped(CostReport report, String by) {
        StringBuilder out = new StringBuilder();
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
        row(out, header);
        if (by.equals("day")) {
            for (CostReport.DayCost d : report.byDay()) {
                row(out, List.of(d.day().toString(), Money.toDollars(d.costMicros()).toPlainString(),
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
                row(out, fields);
            }
        }
        List<String> total = new java.util.ArrayList<>();
        total.add("total");
        for (int i = 1; i < keys; i++) {
            total.add("");
        }
        total.addAll(List.of(Money.toDollars(report.totalCostMicros()).toPlainString(),
                Long.toString(report.totalInputTokens()), Long.toString(report.totalOutputTokens()),
                Integer.toString(report.sessions().size())));
        row(out, total);
        return out.toString();
    }

    private static void row(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(quote(fields.get(i)));
        }
        out.append("\r\n");
    }

    private static String text(String value) {
        if (value == null) {
            return "";
        }
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\r') < 0 && field.indexOf('\n') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
