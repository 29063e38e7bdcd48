package dev.entourage.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Conversions between integer micro-dollars (used everywhere inside) and decimal dollars (used at the edges). */
public final class Money {
    /** Micro-dollars in one dollar. */
    public static final long MICROS_PER_DOLLAR = 1_000_000L;
    /** The largest single amount accepted from a caller: $10,000. */
    public static final long MAX_REPORTED_MICROS = 10_000L * MICROS_PER_DOLLAR;

    private Money() {
    }

    /**
     * Parses dollars into micro-dollars, rounding half-up beyond six decimals.
     *
     * @throws LedgerException {@code invalid_request} naming {@code field} when negative or above {@code maxMicros}
     */
    public static long fromDollars(BigDecimal dollars, String field, long maxMicros) {
        if (dollars.signum() < 0) {
            throw LedgerException.invalid(field, "must not be negative");
        }
        BigDecimal micros = dollars.movePointRight(6).setScale(0, RoundingMode.HALF_UP);
        if (micros.compareTo(BigDecimal.valueOf(maxMicros)) > 0) {
            throw LedgerException.invalid(field, "must be at most " + toDollars(maxMicros).toPlainString());
        }
        return micros.longValueExact();
    }

    /** Parses a dollar string such as {@code "0.50"}; see {@link #fromDollars(BigDecimal, String, long)}. */
    public static long parseDollars(String text, String field, long maxMicros) {
        String amount = text.strip();
        try {
            return fromDollars(new BigDecimal(amount.startsWith("$") ? amount.substring(1).strip() : amount), field,
                    maxMicros);
        } catch (NumberFormatException e) {
            throw LedgerException.invalid(field, "'" + text + "' is not an amount in dollars");
        }
    }

    /** Micro-dollars as dollars without trailing zeros, e.g. 12000 → 0.012. */
    public static BigDecimal toDollars(long micros) {
        BigDecimal dollars = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return dollars.scale() < 0 ? dollars.setScale(0, RoundingMode.UNNECESSARY) : dollars;
    }

    /** Micro-dollars as a fixed two-to-six decimal string for tables, e.g. {@code 0.05}, {@code 0.0123}. */
    public static String format(long micros) {
        BigDecimal dollars = toDollars(micros);
        return (dollars.scale() < 2 ? dollars.setScale(2, RoundingMode.UNNECESSARY) : dollars).toPlainString();
    }
}
