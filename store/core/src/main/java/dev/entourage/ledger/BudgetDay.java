package dev.entourage.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** The budget day of an instant in a team's zone: midnight to midnight, correct across DST changes. */
public record BudgetDay(LocalDate date, Instant resetsAt) {

    public static BudgetDay of(Instant now, ZoneId zone) {
        LocalDate date = LocalDate.ofInstant(now, zone);
        return new BudgetDay(date, date.plusDays(1).atStartOfDay(zone).toInstant());
    }
}
