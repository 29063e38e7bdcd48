package dev.entourage.http.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Money;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Set;

/**
 * Strict reading of one JSON object: unknown fields, wrong types, fractions where whole numbers belong,
 * {@code NaN}, infinities and out-of-range numbers are refused with an {@code invalid_request} that names
 * the field.
 */
public final class Fields {
    /** Beyond these a number is refused before any arithmetic, which could otherwise cost gigabytes. */
    private static final int MAX_SCALE = 1000;
    private static final int MAX_DIGITS = 30;

    private final ObjectNode object;

    private Fields(ObjectNode object) {
        this.object = object;
    }

    /**
     * Reads {@code body} as an object whose field names are all in {@code allowed}; a missing or null body is
     * an empty object.
     */
    public static Fields of(JsonNode body, Set<String> allowed) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return new Fields(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        }
        if (!body.isObject()) {
            throw LedgerException.invalid("body", "must be a JSON object");
        }
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw LedgerException.invalid(name, "is not a known field" + suggestion(name, allowed)
                        + " (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return new Fields((ObjectNode) body);
    }

    private static String suggestion(String name, Set<String> allowed) {
        return allowed.stream()
                .filter(candidate -> distance(name, candidate) <= 2)
                .min(Comparator.comparingInt(candidate -> distance(name, candidate)))
                .map(candidate -> "; did you mean '" + candidate + "'?")
                .orElse("");
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private JsonNode present(String field) {
        JsonNode node = object.get(field);
        return node == null || node.isNull() ? null : node;
    }

    /** A whole number in {@code [min, max]}, or null when absent or JSON null. */
    public Long optionalLong(String field, long min, long max) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        BigInteger value = wholeNumber(field, node);
        if (value.compareTo(BigInteger.valueOf(min)) < 0) {
            throw LedgerException.invalid(field, min == 0 ? "must not be negative" : "must be at least " + min);
        }
        if (value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw LedgerException.invalid(field, "must be at most " + max);
        }
        return value.longValueExact();
    }

    /** A whole number in {@code [min, max]}; absent means {@code 0} when {@code min <= 0}, else an error. */
    public long requiredLong(String field, long min, long max) {
        Long value = optionalLong(field, min, max);
        if (value == null) {
            throw LedgerException.invalid(field, "is required");
        }
        return value;
    }

    /** An id: a positive whole number, or null when absent. */
    public Long optionalId(String field) {
        return optionalLong(field, 1, Long.MAX_VALUE);
    }

    /** An amount in dollars (a JSON number, at most {@code maxMicros}), as micro-dollars; null when absent. */
    public Long optionalDollars(String field, long maxMicros) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        return Money.fromDollars(decimal(field, node), field, maxMicros);
    }

    /** A string, or null when absent or JSON null. */
    public String optionalString(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw LedgerException.invalid(field, "must be a string, not " + describe(node));
        }
        return node.textValue();
    }

    /** A boolean, or null when absent. */
    public Boolean optionalBoolean(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            throw LedgerException.invalid(field, "must be true or false, not " + describe(node));
        }
        return node.booleanValue();
    }

    /** An array of strings; empty when absent. */
    public java.util.List<String> stringList(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return java.util.List.of();
        }
        if (!node.isArray()) {
            throw LedgerException.invalid(field, "must be an array of strings, not " + describe(node));
        }
        java.util.List<String> values = new java.util.ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw LedgerException.invalid(field, "must contain only strings, not " + describe(element));
            }
            values.add(element.textValue());
        }
        return values;
    }

    private static BigInteger wholeNumber(String field, JsonNode node) {
        BigDecimal value = decimal(field, node);
        try {
            return value.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw LedgerException.invalid(field, "must be a whole number, not " + value.toPlainString());
        }
    }

    private static BigDecimal decimal(String field, JsonNode node) {
        if (!node.isNumber()) {
            throw LedgerException.invalid(field, "must be a number, not " + describe(node));
        }
        if (node.isDouble() || node.isFloat()) {
            double d = node.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw LedgerException.invalid(field, "must be a finite number, not " + d);
            }
            return BigDecimal.valueOf(d);
        }
        BigDecimal value = node.decimalValue();
        if (Math.abs(value.scale()) > MAX_SCALE || value.precision() - value.scale() > MAX_DIGITS) {
            throw LedgerException.invalid(field, "is far too large or too precise");
        }
        return value;
    }

    private static String describe(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
