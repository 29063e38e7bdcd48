package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bucketing of spend for charts: five-minute buckets of today, days of the zone, DST days, zero buckets. */
class SpendSeriesTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    /** A rollup sum at {@code at}: in the interval of the edges holding it, as the store's range query finds it. */
    private record Slot(String at, String agent, String model, long micros) {
    }

    private static Slot slot(String at, String agent, String model, long micros) {
        return new Slot(at, agent, model, micros);
    }

    private static SpendSeries build(SpendSeries.Range range, SpendSeries.Split by, ZoneId zone, Instant now,
                                     List<Slot> slots) {
        List<Instant> edges = SpendSeries.edges(range, zone, now);
        List<SpendSum> sums = new java.util.ArrayList<>();
        for (Slot slot : slots) {
            Instant at = Instant.parse(slot.at());
            for (int i = 0; i + 1 < edges.size(); i++) {
                if (!at.isBefore(edges.get(i)) && at.isBefore(edges.get(i + 1))) {
                    sums.add(new SpendSum(i, null, by == SpendSeries.Split.AGENT ? slot.agent() : slot.model(),
                            slot.micros(), 10, 5, 0, 0, 0, 1, 1));
                }
            }
        }
        return SpendSeries.build(range, by, zone, now, sums);
    }

    @Test
    void todayHasFiveMinuteBucketsFromMidnightOfTheZoneToTheOneHoldingNow() {
        Instant now = Instant.parse("2026-11-28T00:12:00Z"); // 01:12 in Paris
        SpendSeries series = build(SpendSeries.Range.TODAY, SpendSeries.Split.AGENT, PARIS, now, List.of(
                slot("2026-11-27T22:55:00Z", "eng-1", null, 7), // 23:55 yesterday in Paris: left out
                slot("2026-11-27T23:00:00Z", "eng-1", null, 100), // 00:00 in Paris: first bucket
                slot("2026-11-28T00:10:00Z", "eng-2", "m", 300),
                slot("2026-11-28T00:10:00Z", "eng-1", "m", 50)));
        assertThat(series.bucketSeconds()).isEqualTo(300);
        assertThat(series.buckets()).hasSize(15); // 00:00 … 01:10
        assertThat(series.buckets().get(0)).isEqualTo(ZonedDateTime.of(2026, 11, 28, 0, 0, 0, 0, PARIS));
        assertThat(series.buckets().get(14)).isEqualTo(ZonedDateTime.of(2026, 11, 28, 1, 10, 0, 0, PARIS));
        assertThat(series.series()).extracting(SpendSeries.Series::name).containsExactly("eng-2", "eng-1");
        assertThat(series.series().get(1).costMicros().get(0)).isEqualTo(100);
        assertThat(series.series().get(1).costMicros().get(14)).isEqualTo(50);
        assertThat(series.series().get(1).totalMicros()).isEqualTo(150);
        assertThat(series.series().get(0).costMicros()).hasSize(15).containsOnly(0L, 300L);
        assertThat(series.totals().get(14)).isEqualTo(350);
        assertThat(series.totals().stream().mapToLong(Long::longValue).sum()).isEqualTo(450);
    }

    @Test
    void justAfterMidnightTodayHasOneBucket() {
        SpendSeries series = build(SpendSeries.Range.TODAY, SpendSeries.Split.AGENT, PARIS,
                Instant.parse("2026-11-27T23:00:00Z"), List.of());
        assertThat(series.buckets()).hasSize(1);
        assertThat(series.series()).isEmpty();
        assertThat(series.totals()).containsExactly(0L);
    }

    @Test
    void theDayTheClocksGoBackHas25HoursOfBucketsAndDaysFollowTheZone() {
        // 2026-10-25: Paris goes from UTC+2 to UTC+1 at 03:00 local; the day is 25 hours long
        Instant lateThatDay = Instant.parse("2026-10-25T22:59:00Z"); // 23:59 local
        SpendSeries today = build(SpendSeries.Range.TODAY, SpendSeries.Split.MODEL, PARIS, lateThatDay,
                List.of(slot("2026-10-25T00:55:00Z", "a", null, 1), slot("2026-10-25T01:00:00Z", "a", null, 2)));
        assertThat(today.buckets()).hasSize(25 * 12);
        assertThat(today.buckets().get(0).getOffset().getTotalSeconds()).isEqualTo(7200);
        assertThat(today.buckets().get(today.buckets().size() - 1).getOffset().getTotalSeconds()).isEqualTo(3600);
        // 02:55+02:00 and 02:00+01:00 … both "the same wall clock hour" but different buckets
        assertThat(today.series().get(0).name()).isEqualTo(SpendSeries.UNKNOWN_MODEL);
        assertThat(today.series().get(0).costMicros().get(35)).isEqualTo(1);
        assertThat(today.series().get(0).costMicros().get(36)).isEqualTo(2);

        Instant nextDay = Instant.parse("2026-10-26T10:00:00Z");
        SpendSeries week = build(SpendSeries.Range.DAYS_7, SpendSeries.Split.AGENT, PARIS, nextDay, List.of(
                slot("2026-10-24T21:55:00Z", "a", null, 1), // 23:55 on the 24th (UTC+2)
                slot("2026-10-24T22:00:00Z", "a", null, 10), // 00:00 on the 25th (UTC+2)
                slot("2026-10-25T22:55:00Z", "a", null, 100), // 23:55 on the 25th (UTC+1)
                slot("2026-10-25T23:00:00Z", "a", null, 1000))); // 00:00 on the 26th
        assertThat(week.bucketSeconds()).isEqualTo(86_400);
        assertThat(week.buckets()).extracting(ZonedDateTime::toLocalDate)
                .containsExactly(LocalDate.of(2026, 10, 20), LocalDate.of(2026, 10, 21), LocalDate.of(2026, 10, 22),
                        LocalDate.of(2026, 10, 23), LocalDate.of(2026, 10, 24), LocalDate.of(2026, 10, 25),
                        LocalDate.of(2026, 10, 26));
        assertThat(Duration.between(week.buckets().get(5), week.buckets().get(6))).isEqualTo(Duration.ofHours(25));
        assertThat(week.series().get(0).costMicros()).containsExactly(0L, 0L, 0L, 0L, 1L, 110L, 1000L);
    }

    @Test
    void thirtyDaysEndTodayAndLeaveOutTheDayBefore() {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");
        SpendSeries month = build(SpendSeries.Range.DAYS_30, SpendSeries.Split.AGENT, PARIS, now, List.of(
                slot("2026-10-29T23:00:00Z", "a", null, 1), // 00:00 on 10-30 in Paris: the first day
                slot("2026-10-29T22:55:00Z", "a", null, 5), // the day before: left out
                slot("2026-11-28T22:55:00Z", "a", null, 3))); // 23:55 today, still today's bucket
        assertThat(month.buckets()).hasSize(30);
        assertThat(month.buckets().get(0).toLocalDate()).isEqualTo(LocalDate.of(2026, 10, 30));
        assertThat(month.buckets().get(29).toLocalDate()).isEqualTo(LocalDate.of(2026, 11, 28));
        assertThat(month.series().get(0).costMicros().get(0)).isEqualTo(1);
        assertThat(month.series().get(0).costMicros().get(29)).isEqualTo(3);
        assertThat(month.series().get(0).totalMicros()).isEqualTo(4);
    }

    @Test
    void badRangeOrSplitNamesTheParameter() {
        assertThatThrownBy(() -> SpendSeries.Range.fromWire("1y")).isInstanceOf(LedgerException.class)
                .hasMessageContaining("range");
        assertThatThrownBy(() -> SpendSeries.Split.fromWire("task")).isInstanceOf(LedgerException.class)
                .hasMessageContaining("by");
        assertThat(SpendSeries.Range.fromWire("7d")).isEqualTo(SpendSeries.Range.DAYS_7);
    }

    @Test
    void costReportDaysAreEveryDayOfTheRangeCutAtTheZonesMidnight() {
        assertThat(CostReports.dayEdges(LocalDate.of(2026, 10, 24), LocalDate.of(2026, 10, 26), PARIS)).containsExactly(
                Instant.parse("2026-10-23T22:00:00Z"), Instant.parse("2026-10-24T22:00:00Z"),
                Instant.parse("2026-10-25T23:00:00Z"), Instant.parse("2026-10-26T23:00:00Z"));
    }
}
