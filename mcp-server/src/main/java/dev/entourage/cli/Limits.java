package dev.entourage.cli;

import dev.entourage.ledger.Change;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Money;
import java.time.DateTimeException;
import java.time.ZoneId;

/** Parsing of option values shared by settings commands. */
final class Limits {
    private Limits() {
    }

    /** {@code USD} or {@code none}; absent leaves the limit as it is. */
    static Change<Long> limit(String option, String value) {
        if (value == null) {
            return Change.keep();
        }
        if (value.equalsIgnoreCase("none")) {
            return Change.to(null);
        }
        return Change.to(Money.parseDollars(value, option, Money.MAX_REPORTED_MICROS * 100));
    }

    /** {@code N} (2 to 1000) or {@code off}/{@code none}; absent leaves it as it is. */
    static Change<Integer> repeats(String option, String value) {
        if (value == null) {
            return Change.keep();
        }
        String v = value.strip();
        if (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("none")) {
            return Change.to(null);
        }
        if (v.matches("[0-9]{1,4}") && Integer.parseInt(v) >= 2 && Integer.parseInt(v) <= 1000) {
            return Change.to(Integer.parseInt(v));
        }
        throw LedgerException.invalid(option, "must be a whole number from 2 to 1000, or 'off'");
    }

    static Change<Boolean> flag(Boolean value) {
        return value == null ? Change.keep() : Change.to(value);
    }

    static Change<ZoneId> zone(String value) {
        if (value == null) {
            return Change.keep();
        }
        try {
            return Change.to(ZoneId.of(value));
        } catch (DateTimeException e) {
            throw LedgerException.invalid("--timezone", "'" + value + "' is not an IANA time zone such as "
                    + "Europe/Berlin or America/New_York");
        }
    }
}
