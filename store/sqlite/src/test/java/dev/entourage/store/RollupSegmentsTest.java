package dev.entourage.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.store.RollupSegments.Segment;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a window of intervals is laid out over the hour and the five-minute rollups. */
class RollupSegmentsTest {
    private static final long HOUR = RollupSegments.HOUR_MILLIS;
    private static final long FIVE = JdbiRollupQueries.BUCKET_MILLIS;

    @Test
    void daysInAWholeHourZoneAreOneScanOfHourRows() {
        long[] edges = days("Europe/Berlin", LocalDate.parse("2026-10-20"), 30);
        assertThat(RollupSegments.of(edges)).containsExactly(new Segment(true, edges[0], edges[30]));
    }

    @Test
    void daysInA45MinuteZoneReadTheHoursCutByMidnightFromFiveMinuteRows() {
        long[] edges = days("Asia/Kathmandu", LocalDate.parse("2026-10-20"), 3);
        long midnight = edges[0];
        assertThat(Math.floorMod(midnight, HOUR)).isEqualTo(15 * 60_000L);
        long firstHour = midnight + 45 * 60_000L;
        assertThat(RollupSegments.of(edges)).containsExactly(
                new Segment(false, midnight, firstHour),
                new Segment(true, firstHour, edges[1] - 15 * 60_000L),
                new Segment(false, edges[1] - 15 * 60_000L, edges[1] + 45 * 60_000L),
                new Segment(true, edges[1] + 45 * 60_000L, edges[2] - 15 * 60_000L),
                new Segment(false, edges[2] - 15 * 60_000L, edges[2] + 45 * 60_000L),
                new Segment(true, edges[2] + 45 * 60_000L, edges[3] - 15 * 60_000L),
                new Segment(false, edges[3] - 15 * 60_000L, edges[3]));
    }

    @Test
    void fiveMinuteIntervalsAreOneScanOfFiveMinuteRows() {
        long start = Instant.parse("2026-10-20T00:00:00Z").toEpochMilli();
        long[] edges = new long[30];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = start + i * FIVE;
        }
        assertThat(RollupSegments.of(edges)).containsExactly(new Segment(false, start, edges[29]));
    }

    @Test
    void everyPieceIsInsideOneIntervalAndThePiecesCoverTheWindowOnce() {
        for (String zone : List.of("Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham")) {
            long[] edges = days(zone, LocalDate.parse("2026-03-25"), 40);
            List<Segment> segments = RollupSegments.of(edges);
            long at = edges[0];
            for (Segment s : segments) {
                assertThat(s.from()).as(zone).isEqualTo(at);
                assertThat(s.to()).as(zone).isGreaterThan(s.from());
                if (s.hours()) {
                    assertThat(Math.floorMod(s.from(), HOUR)).as(zone).isZero();
                    assertThat(Math.floorMod(s.to(), HOUR)).as(zone).isZero();
                    for (long edge : edges) {
                        assertThat(edge <= s.from() || edge >= s.to() || Math.floorMod(edge, HOUR) == 0)
                                .as(zone + ": an hour row would straddle edge " + Instant.ofEpochMilli(edge)).isTrue();
                    }
                }
                at = s.to();
            }
            assertThat(at).as(zone).isEqualTo(edges[edges.length - 1]);
        }
    }

    private static long[] days(String zone, LocalDate first, int count) {
        List<Long> edges = new ArrayList<>();
        for (int i = 0; i <= count; i++) {
            edges.add(first.plusDays(i).atStartOfDay(ZoneId.of(zone)).toInstant().toEpochMilli());
        }
        return edges.stream().mapToLong(Long::longValue).toArray();
    }
}
