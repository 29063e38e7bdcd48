package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BudgetWindowTest {

    @ParameterizedTest
    @CsvSource({
        "2026-12-01, 2026-12-01, 2026-W49, 2026-12",
        "2027-01-01, 2027-01-01, 2026-W53, 2027-01",
        "2027-01-04, 2027-01-04, 2027-W01, 2027-01",
        "2024-12-30, 2024-12-30, 2025-W01, 2024-12"
    })
    void namesEachWindowByItsLocalDateWeekBasedYearAndMonth(LocalDate date, String day, String week, String month) {
        assertThat(BudgetWindow.DAY.key(date)).isEqualTo(day);
        assertThat(BudgetWindow.WEEK.key(date)).isEqualTo(week);
        assertThat(BudgetWindow.MONTH.key(date)).isEqualTo(month);
        assertThat(BudgetWindow.ALL_TIME.key(date)).isEqualTo(SpendKey.ALL_TIME);
    }

    @ParameterizedTest
    @CsvSource({
        "2026-12-06T23:30:00Z, UTC, 2026-W49",
        "2026-12-06T23:30:00Z, Pacific/Chatham, 2026-W50",
        "2026-12-07T00:30:00Z, America/St_Johns, 2026-W49"
    })
    void countsTheWeekInTheTeamsZone(Instant now, ZoneId zone, String week) {
        assertThat(BudgetWindow.WEEK.key(now, zone)).isEqualTo(week);
    }
}
