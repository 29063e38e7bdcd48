package dev.entourage.ledger;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/**
 * The window a budget scope counts in, in the team's zone. Each window has a key ({@code 2026-12-01},
 * {@code 2026-W49}, {@code 2026-12}, {@code all}), so a new window is a new counter and nothing is ever reset.
 * Weeks are ISO weeks (Monday to Sunday); every window starts at local midnight, correct across DST changes.
 */
public enum BudgetWindow {
    DAY, WEEK, MONTH, ALL_TIME;

    /** The key of the window holding local date {@code date}. */
    public String key(LocalDate date) {
        return switch (this) {
            case DAY -> date.toString();
            case WEEK -> date.get(IsoFields.WEEK_BASED_YEAR) + "-W"
                    + twoDigits(date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> date.getYear() + "-" + twoDigits(date.getMonthValue());
            case ALL_TIME -> SpendKey.ALL_TIME;
        };
    }

    private static String twoDigits(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }

    /** The key of the window holding {@code now} in {@code zone}. */
    public String key(Instant now, ZoneId zone) {
        return key(LocalDate.ofInstant(now, zone));
    }

    /** The first local date after the window holding {@code date}; null for {@link #ALL_TIME}. */
    public LocalDate nextStart(LocalDate date) {
        return switch (this) {
            case DAY -> date.plusDays(1);
            case WEEK -> date.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
            case MONTH -> date.withDayOfMonth(1).plusMonths(1);
            case ALL_TIME -> null;
        };
    }

    /** When the window holding {@code now} ends and a fresh one starts; null for {@link #ALL_TIME}. */
    public Instant resetsAt(Instant now, ZoneId zone) {
        LocalDate next = nextStart(LocalDate.ofInstant(now, zone));
        return next == null ? null : next.atStartOfDay(zone).toInstant();
    }
}
