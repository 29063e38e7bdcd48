package dev.entourage.ledger;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A team's spend over time for charts: one value per bucket for each agent (or model), zero where nothing was
 * spent. {@link Range#TODAY} has five-minute buckets from the start of today in the team's zone up to the one
 * holding now; {@link Range#DAYS_7} and {@link Range#DAYS_30} have one bucket per day of the zone, midnight to
 * midnight (23 or 25 hours on days the clocks change), the last of them today.
 *
 * @param bucketSeconds the nominal length of a bucket (300, or 86400 for days)
 * @param buckets       each bucket's start in the zone, oldest first
 * @param series        one per agent or model, highest total first
 * @param totals        per bucket, all series together
 */
public record SpendSeries(Range range, Split by, ZoneId zone, int bucketSeconds, List<ZonedDateTime> buckets,
                          List<Series> series, List<Long> totals) {
    public SpendSeries {
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(zone, "zone");
        buckets = List.copyOf(buckets);
        series = List.copyOf(series);
        totals = List.copyOf(totals);
    }

    /** The span a chart covers. */
    public enum Range {
        TODAY("today"), DAYS_7("7d"), DAYS_30("30d");

        private final String wire;

        Range(String wire) {
            this.wire = wire;
        }

        public String wireName() {
            return wire;
        }

        /** @throws LedgerException {@code invalid_request} on {@code range} for anything else */
        public static Range fromWire(String text) {
            return Arrays.stream(values()).filter(r -> r.wire.equals(text)).findFirst().orElseThrow(() ->
                    LedgerException.invalid("range", "must be one of today, 7d, 30d"));
        }
    }

    /** What one series is. */
    public enum Split {
        AGENT, MODEL;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws LedgerException {@code invalid_request} on {@code by} for anything else */
        public static Split fromWire(String text) {
            return Arrays.stream(values()).filter(s -> s.wireName().equals(text)).findFirst().orElseThrow(() ->
                    LedgerException.invalid("by", "must be one of agent, model"));
        }
    }

    /** One agent's or model's spend per bucket. */
    public record Series(String name, List<Long> costMicros, long totalMicros) {
        public Series {
            Objects.requireNonNull(name, "name");
            costMicros = List.copyOf(costMicros);
        }
    }

    /** The series name of usage with no known model. */
    public static final String UNKNOWN_MODEL = CostReports.UNKNOWN_MODEL;
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    /** The starts of the buckets of {@code range} at {@code now} in {@code zone}, oldest first. */
    static List<ZonedDateTime> bucketStarts(Range range, ZoneId zone, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, zone);
        List<ZonedDateTime> starts = new ArrayList<>();
        if (range == Range.TODAY) {
            Instant start = today.atStartOfDay(zone).toInstant();
            long count = Duration.between(start, now).dividedBy(FIVE_MINUTES) + 1;
            for (long i = 0; i < count; i++) {
                starts.add(start.plus(FIVE_MINUTES.multipliedBy(i)).atZone(zone));
            }
        } else {
            int days = range == Range.DAYS_7 ? 7 : 30;
            for (int i = days - 1; i >= 0; i--) {
                starts.add(today.minusDays(i).atStartOfDay(zone));
            }
        }
        return starts;
    }

    /** The buckets' starts of {@code range} at {@code now}, then the end of the bucket holding now. */
    static List<Instant> edges(Range range, ZoneId zone, Instant now) {
        List<Instant> edges = new ArrayList<>();
        List<ZonedDateTime> starts = bucketStarts(range, zone, now);
        starts.forEach(start -> edges.add(start.toInstant()));
        ZonedDateTime last = starts.get(starts.size() - 1);
        edges.add(range == Range.TODAY ? last.toInstant().plus(FIVE_MINUTES)
                : last.toLocalDate().plusDays(1).atStartOfDay(zone).toInstant());
        return edges;
    }

    /**
     * The series of {@code range} at {@code now} from {@code sums} (by agent or model, interval i being bucket i);
     * sums of other intervals are left out.
     */
    public static SpendSeries build(Range range, Split by, ZoneId zone, Instant now, List<SpendSum> sums) {
        List<ZonedDateTime> starts = bucketStarts(range, zone, now);
        int n = starts.size();
        Map<String, long[]> byName = new LinkedHashMap<>();
        long[] totals = new long[n];
        for (SpendSum sum : sums) {
            int bucket = sum.interval();
            if (bucket < 0 || bucket >= n) {
                continue;
            }
            String name = by == Split.MODEL && sum.name() == null ? UNKNOWN_MODEL : sum.name();
            byName.computeIfAbsent(name, k -> new long[n])[bucket] += sum.costMicros();
            totals[bucket] += sum.costMicros();
        }
        List<Series> series = new ArrayList<>();
        byName.forEach((name, values) -> series.add(new Series(name, Arrays.stream(values).boxed().toList(),
                Arrays.stream(values).sum())));
        series.sort(Comparator.comparingLong(Series::totalMicros).reversed().thenComparing(Series::name));
        return new SpendSeries(range, by, zone, range == Range.TODAY ? (int) FIVE_MINUTES.toSeconds() : 86_400,
                starts, Collections.unmodifiableList(series), Arrays.stream(totals).boxed().toList());
    }
}
