package dev.entourage.http.json;

import dev.entourage.ledger.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The scalar conventions every encoder of this package follows: money as dollars (up to six decimals), times as
 * ISO-8601 UTC to the second, and an unset value as {@code null}.
 */
final class WireValues {
    private WireValues() {
    }

    /** {@code micros} in dollars, or null when unset (an unlimited limit, or its remainder). */
    static BigDecimal dollars(Long micros) {
        return micros == null ? null : Money.toDollars(micros);
    }

    /** {@code instant} truncated to the second, or null. */
    static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
