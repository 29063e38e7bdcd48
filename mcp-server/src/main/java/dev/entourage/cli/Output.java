package dev.entourage.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.Csv;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.Money;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Printing for commands: one JSON document, aligned tables, or RFC 4180 CSV, on stdout. */
final class Output {
    private Output() {
    }

    static PrintStream out() {
        return System.out;
    }

    static void json(JsonNode node) {
        try {
            out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String dollars(Long micros) {
        return micros == null ? "none" : "$" + Money.format(micros);
    }

    /**
     * Prints {@code items} as one JSON document {@code {"<key>": […]}}, as CSV, or as a table ({@code empty} when
     * there are none): the {@code list} commands' shared output.
     */
    static <T> void list(Format format, String key, List<T> items, Function<T, JsonNode> json, List<String> header,
                         BiFunction<T, Boolean, List<String>> row, String empty) {
        if (format == Format.json) {
            ObjectNode root = Json.mapper().createObjectNode();
            ArrayNode array = root.putArray(key);
            items.forEach(item -> array.add(json.apply(item)));
            json(root);
        } else if (format == Format.csv) {
            csv(header, items.stream().map(item -> row.apply(item, true)).toList());
        } else if (items.isEmpty()) {
            out().println(empty);
        } else {
            table(header, items.stream().map(item -> row.apply(item, false)).toList());
        }
    }

    /** An amount for a table ({@code $0.05}, {@code none}) or for CSV (a plain number, empty for none). */
    static String money(Long micros, boolean csv) {
        if (!csv) {
            return dollars(micros);
        }
        return micros == null ? "" : Money.toDollars(micros).toPlainString();
    }

    static String text(Object value) {
        return value == null ? "-" : value.toString();
    }

    /** Prints {@code rows} under {@code header} with columns padded to their widest cell. */
    static void table(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] widths = new int[header.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
            }
            out().println(line.toString().stripTrailing());
        }
    }

    /** Prints {@code rows} under {@code header} as CSV, by the REST routes' writer ({@link Csv}: formulas neutralised). */
    static void csv(List<String> header, List<List<String>> rows) {
        out().print(Csv.of(header, rows));
        out().flush();
    }
}
