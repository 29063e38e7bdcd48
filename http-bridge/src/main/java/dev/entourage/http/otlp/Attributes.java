package dev.entourage.http.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The attributes of one log record or data point, read tolerantly: exporters send numbers as {@code intValue},
 * {@code doubleValue} or decimal strings, and all are accepted where a number is meant. A value of another kind
 * where a number is meant is a {@link Rejected} naming the attribute.
 */
final class Attributes {
    private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);
    private static final BigDecimal MAX_DOLLARS = BigDecimal.valueOf(1_000_000_000L);

    /** The most attributes one record, data point or resource may carry (a request with more is refused). */
    static final int MAX_ATTRIBUTES = 1_000;

    private final Map<String, AnyValue> values;

    private Attributes(Map<String, AnyValue> values) {
        this.values = values;
    }

    /** The attributes by key (the last of a repeated key wins), sorted by key. */
    static Attributes of(List<KeyValue> list) {
        if (list.size() > MAX_ATTRIBUTES) {
            throw OtlpFailure.badRequest("a record, data point or resource has " + list.size()
                    + " attributes; at most " + MAX_ATTRIBUTES + " are accepted");
        }
        Map<String, AnyValue> values = new TreeMap<>();
        for (KeyValue kv : list) {
            values.put(kv.getKey(), kv.getValue());
        }
        return new Attributes(values);
    }

    boolean has(String key) {
        AnyValue value = values.get(key);
        return value != null && value.getValueCase() != AnyValue.ValueCase.VALUE_NOT_SET;
    }

    /** The value as text (numbers and booleans spelled out), or null when absent, empty or not a scalar. */
    String text(String key) {
        AnyValue value = values.get(key);
        if (value == null) {
            return null;
        }
        String text = switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> BigDecimal.valueOf(value.getDoubleValue()).toPlainString();
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            default -> null;
        };
        return text == null || text.isBlank() ? null : text.strip();
    }

    /** A whole number ({@code 12}, {@code "12"}, {@code 12.0}), or null when absent. */
    Long wholeNumber(String key) {
        BigDecimal number = decimal(key);
        if (number == null) {
            return null;
        }
        try {
            return number.longValueExact();
        } catch (ArithmeticException e) {
            throw new Rejected(key + ": must be a whole number");
        }
    }

    /** A token count: a whole number from 0, 0 when absent. */
    long count(String key) {
        Long number = wholeNumber(key);
        if (number == null) {
            return 0;
        }
        if (number < 0) {
            throw new Rejected(key + ": must not be negative");
        }
        return number;
    }

    /**
     * A token count that is a part of {@code whole} (the count under {@code wholeKey}): cached tokens of the input,
     * the 1-hour part of a cache write.
     */
    long part(String key, long whole, String wholeKey) {
        long part = count(key);
        if (part > whole) {
            throw new Rejected(key + ": must not exceed " + wholeKey + ", of which it is a part");
        }
        return part;
    }

    /** Dollars (a decimal, exactly as sent) as micro-dollars rounded half up, or null when absent. */
    Long dollarsAsMicros(String key) {
        BigDecimal dollars = decimal(key);
        return dollars == null ? null : micros(key, dollars);
    }

    static long micros(String key, BigDecimal dollars) {
        if (dollars.signum() < 0) {
            throw new Rejected(key + ": must not be negative");
        }
        if (dollars.compareTo(MAX_DOLLARS) > 0) {
            throw new Rejected(key + ": is not a plausible amount of dollars");
        }
        return dollars.multiply(MICROS).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** A decimal number, or null when absent. */
    BigDecimal decimal(String key) {
        AnyValue value = values.get(key);
        if (value == null) {
            return null;
        }
        switch (value.getValueCase()) {
            case INT_VALUE:
                return BigDecimal.valueOf(value.getIntValue());
            case DOUBLE_VALUE:
                if (!Double.isFinite(value.getDoubleValue())) {
                    throw new Rejected(key + ": must be a finite number");
                }
                return BigDecimal.valueOf(value.getDoubleValue());
            case STRING_VALUE:
                return parse(key, value.getStringValue().strip());
            case VALUE_NOT_SET:
                return null;
            default:
                throw new Rejected(key + ": must be a number");
        }
    }

    private static BigDecimal parse(String key, String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.length() > 40 || !text.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]{1,3})?")) {
            throw new Rejected(key + ": must be a number");
        }
        return new BigDecimal(text);
    }

    /**
     * A stable text of the scalar attributes but {@code excluded}, sorted by key ({@code model=x;query_source=y}):
     * the same attributes give the same text.
     */
    String key(Set<String> excluded) {
        StringBuilder out = new StringBuilder();
        for (String key : values.keySet()) {
            String text = excluded.contains(key) ? null : text(key);
            if (text != null) {
                out.append(out.length() == 0 ? "" : ";").append(key).append('=').append(text);
            }
        }
        return out.toString();
    }
}
