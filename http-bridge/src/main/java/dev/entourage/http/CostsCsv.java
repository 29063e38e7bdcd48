package dev.entourage.http;

import dev.entourage.ledger.CostReport;
import dev.entourage.ledger.Money;
import java.util.List;

/**
 * A cost report's sessions as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or
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
