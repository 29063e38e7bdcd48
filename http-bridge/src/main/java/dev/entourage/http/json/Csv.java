package dev.entourage.http.json;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one CSV writer of REST ({@code ?format=csv}) and the CLI ({@code --format csv}): RFC 4180 (CRLF line ends,
 * fields quoted when they hold a comma, quote or line break, quotes doubled), and text that a spreadsheet would
 * run as a formula (starting with {@code = + - @}, tab or CR) prefixed with {@code '}. Plain numbers and the
 * CLI's lone {@code -} ("none") are not formulas and stay as they are.
 */
public final class Csv {
    /** The content type of a CSV answer. */
    public static final String CONTENT_TYPE = "text/csv; charset=utf-8";

    private static final String FORMULA_STARTS = "=+-@\t\r";
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    private Csv() {
    }

    /** A header row, then {@code rows}; a null cell is empty. */
    public static String of(List<String> header, List<List<String>> rows) {
        StringBuilder out = new StringBuilder();
        row(out, header);
        rows.forEach(row -> row(out, row));
        return out.toString();
    }

    /** One row with its CRLF: for writing rows as they come. */
    public static String line(List<String> cells) {
        StringBuilder out = new StringBuilder();
        row(out, cells);
        return out.toString();
    }

    private static void row(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(quote(neutralise(cells.get(i))));
        }
        out.append("\r\n");
    }

    /** {@code value} with a {@code '} before it when a spreadsheet would run it as a formula; null is empty. */
    public static String neutralise(String value) {
        if (value == null || value.isEmpty() || value.equals("-") || NUMBER.matcher(value).matches()) {
            return value == null ? "" : value;
        }
        return FORMULA_STARTS.indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    /** {@code field} quoted when it holds a comma, quote or line break. */
    public static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\r') < 0 && field.indexOf('\n') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
