package dev.entourage.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Which rollup table a window of intervals is read from, piece by piece: each interval's whole UTC hours from the
 * hour rollups, the rest of it (an edge that is not on the hour: a day's start in a zone of +05:30 or +05:45, or
 * five-minute intervals) from the five-minute rollups. An hour row therefore never straddles an edge, and every
 * interval's rows sum to exactly its spend. Neighbouring pieces of one table are merged into one range scan.
 */
final class RollupSegments {
    static final long HOUR_MILLIS = 3_600_000L;

    /** One range scan: {@code [from, to)} of the hour rollups or of the five-minute rollups. */
    record Segment(boolean hours, long from, long to) {
    }

    private RollupSegments() {
    }

    /** The scans that cover {@code [edges[0], edges[last])}, oldest first; edges ascending, in epoch ms. */
    static List<Segment> of(long[] edges) {
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i + 1 < edges.length; i++) {
            long from = edges[i];
            long to = edges[i + 1];
            long firstHour = Math.floorDiv(from + HOUR_MILLIS - 1, HOUR_MILLIS) * HOUR_MILLIS;
            long lastHour = Math.floorDiv(to, HOUR_MILLIS) * HOUR_MILLIS;
            if (firstHour < lastHour) {
                add(segments, false, from, firstHour);
                add(segments, true, firstHour, lastHour);
                add(segments, false, lastHour, to);
            } else {
                add(segments, false, from, to);
            }
        }
        return segments;
    }

    private static void add(List<Segment> segments, boolean hours, long from, long to) {
        if (from >= to) {
            return;
        }
        int last = segments.size() - 1;
        if (last >= 0 && segments.get(last).hours() == hours && segments.get(last).to() == from) {
            segments.set(last, new Segment(hours, segments.get(last).from(), to));
        } else {
            segments.add(new Segment(hours, from, to));
        }
    }
}
