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
