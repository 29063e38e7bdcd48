package dev.entourage.ledger.pricing;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds the row series a normalised id matches, and the version of a series in force on a day. */
final class PriceMatcher {
    /** A matched series and the rule that matched it. */
    record Found(List<PriceRow> series, PriceExplanation.Rule rule) {
    }

    private final List<List<PriceRow>> series;

    PriceMatcher(List<List<PriceRow>> series) {
        this.series = series;
    }

    /**
     * The best match for {@code normalised}: a row id equal to it (an {@code exact} row before others), else the
     * family row with the longest id that matches, else the longest prefix row.
     */
    Optional<Found> find(String normalised) {
        if (normalised.isEmpty()) {
            return Optional.empty();
        }
        List<PriceRow> best = null;
        int bestRank = Integer.MAX_VALUE;
        int bestLength = -1;
        for (List<PriceRow> versions : series) {
            PriceRow row = versions.get(0);
            for (String id : row.ids()) {
                int rank = rank(row.match(), id, normalised);
                if (rank < 0) {
                    continue;
                }
                if (rank < bestRank || rank == bestRank && id.length() > bestLength) {
                    best = versions;
                    bestRank = rank;
                    bestLength = id.length();
                }
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        PriceExplanation.Rule rule = bestRank <= 1 ? PriceExplanation.Rule.EXACT
                : bestRank == 2 ? PriceExplanation.Rule.FAMILY : PriceExplanation.Rule.PREFIX;
        return Optional.of(new Found(best, rule));
    }

    private static int rank(PriceRow.Match match, String id, String normalised) {
        if (id.equals(normalised)) {
            return match == PriceRow.Match.EXACT ? 0 : 1;
        }
        if (match == PriceRow.Match.FAMILY && ModelIds.familyMatches(id, normalised)) {
            return 2;
        }
        if (match == PriceRow.Match.PREFIX && normalised.startsWith(id)) {
            return 3;
        }
        return -1;
    }

    /**
     * The version of {@code versions} in force on {@code day}; with no day, the open-ended (else last) version.
     * A day before the first version gets the first and one after the last gets the last, with a note.
     */
    static PriceRow version(List<PriceRow> versions, LocalDate day, List<String> notes) {
        if (day == null) {
            return versions.stream().filter(v -> v.until() == null).findFirst().orElse(versions.get(versions.size() - 1));
        }
        for (PriceRow v : versions) {
            if (v.inForce(day)) {
                return v;
            }
        }
        PriceRow first = versions.get(0);
        if (first.from() != null && day.isBefore(first.from())) {
            notes.add("no version in force on " + day + ": the first (from " + first.from() + ") applied");
            return first;
        }
        PriceRow last = versions.get(versions.size() - 1);
        notes.add("no version in force on " + day + ": the last (until " + last.until() + ") applied");
        return last;
    }

    /** The version of every series in force on {@code day} (none for series without one then). */
    List<PriceRow> current(LocalDate day) {
        return series.stream().flatMap(vs -> vs.stream().filter(v -> day == null ? v.until() == null : v.inForce(day))
                .limit(1)).toList();
    }

    /** The provider whose id prefixes start {@code normalised} (longest prefix), or null. */
    static String provider(Map<String, List<String>> prefixes, String normalised) {
        String best = null;
        int length = 0;
        for (Map.Entry<String, List<String>> e : prefixes.entrySet()) {
            for (String prefix : e.getValue()) {
                if (normalised.startsWith(prefix) && prefix.length() > length) {
                    best = e.getKey();
                    length = prefix.length();
                }
            }
        }
        return best;
    }
}
