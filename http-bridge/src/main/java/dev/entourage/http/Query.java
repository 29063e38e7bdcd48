package dev.entourage.http;

import dev.entourage.ledger.LedgerException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A query string read strictly, like a body: unknown or repeated parameters are refused naming them, so a
 * typo such as {@code ?taskid=} never silently widens an answer.
 */
final class Query {
    private final Map<String, String> values;

    private Query(Map<String, String> values) {
        this.values = values;
    }

    static Query parse(String queryString, String... allowed) {
        Set<String> names = Set.of(allowed);
        Map<String, String> values = new HashMap<>();
        if (queryString == null || queryString.isEmpty()) {
            return new Query(values);
        }
        for (String pair : queryString.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] parts = pair.split("=", 2);
            String name = decode("query", parts[0]);
            String value = parts.length == 2 ? decode(name, parts[1]) : "";
            if (!names.contains(name)) {
                throw LedgerException.invalid(HttpFailure.printable(name), "is not a known query parameter"
                        + (names.isEmpty() ? " (this route takes none)"
                        : " (allowed: " + String.join(", ", names.stream().sorted().toList()) + ")"));
            }
            if (values.putIfAbsent(name, value) != null) {
                throw LedgerException.invalid(name, "is given more than once");
            }
        }
        return new Query(values);
    }

    private static String decode(String field, String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw LedgerException.invalid(field, "is not correctly percent-encoded");
        }
    }

    /** The value, or null when absent or empty. */
    String string(String name) {
        String value = values.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** A positive whole number, or null when absent. */
    Long id(String name) {
        String value = string(name);
        if (value == null) {
            return null;
        }
        if (!value.matches("[0-9]{1,18}") || Long.parseLong(value) == 0) {
            throw LedgerException.invalid(name, "must be a positive whole number, not '" + HttpFailure.printable(value)
                    + "'");
        }
        return Long.parseLong(value);
    }

    /** A whole number in {@code [min, max]}, or {@code fallback} when absent. */
    int integer(String name, int min, int max, int fallback) {
        String value = string(name);
        if (value == null) {
            return fallback;
        }
        if (!value.matches("-?[0-9]{1,9}")) {
            throw LedgerException.invalid(name, "must be a whole number, not '" + HttpFailure.printable(value) + "'");
        }
        int n = Integer.parseInt(value);
        if (n < min || n > max) {
            throw LedgerException.invalid(name, "must be between " + min + " and " + max);
        }
        return n;
    }

    /** The dates a report may start or end on. */
    static final LocalDate FIRST_DATE = LocalDate.of(2000, 1, 1);
    static final LocalDate LAST_DATE = LocalDate.of(2999, 12, 31);

    /** A date ({@code 2026-11-28}) between {@link #FIRST_DATE} and {@link #LAST_DATE}, or null when absent. */
    LocalDate date(String name) {
        String value = string(name);
        if (value == null) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw LedgerException.invalid(name, "must be a date such as 2026-11-28, not '"
                    + HttpFailure.printable(value) + "'");
        }
        if (date.isBefore(FIRST_DATE) || date.isAfter(LAST_DATE)) {
            throw LedgerException.invalid(name, "must be a date between " + FIRST_DATE + " and " + LAST_DATE
                    + ", not '" + HttpFailure.printable(value) + "'");
        }
        return date;
    }

    /** One of {@code choices}, or null when absent. */
    String choice(String name, List<String> choices) {
        String value = string(name);
        if (value != null && !choices.contains(value)) {
            throw LedgerException.invalid(name, "must be one of " + String.join(", ", choices));
        }
        return value;
    }
}
