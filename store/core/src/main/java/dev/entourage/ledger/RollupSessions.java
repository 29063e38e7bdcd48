package dev.entourage.ledger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sums rollup rows per session over the whole window, and keeps the unpriced spend by session and model: a cost
 * report's page of sessions by cost and its unpriced part, from the same scan as its groups.
 */
final class RollupSessions implements Consumer<RollupRow> {
    private static final Comparator<SpendSum> BY_COST = Comparator.comparingLong(SpendSum::costMicros).reversed()
            .thenComparingLong(SpendSum::id);
    private final Map<Long, SpendTally> tallies = new HashMap<>();
    private final List<UnpricedSpend.Line> unpriced = new ArrayList<>();

    @Override
    public void accept(RollupRow row) {
        tallies.computeIfAbsent(row.sessionId(), k -> new SpendTally()).add(row);
        if (row.unpricedMicros() > 0) {
            unpriced.add(new UnpricedSpend.Line(row.sessionId(), row.model(), row.unpricedMicros()));
        }
    }

    /** Every session's sums, by cost, highest first, then by id: interval 0, its id, its first model by name. */
    List<SpendSum> ranked() {
        List<SpendSum> sums = new ArrayList<>(tallies.size());
        tallies.forEach((id, tally) -> sums.add(tally.sum(0, id, tally.firstModel())));
        sums.sort(BY_COST);
        return sums;
    }

    /** The index in {@code ranked} of the first session after {@code after}'s (cost, id); 0 for null. */
    static int after(List<SpendSum> ranked, SpendSum after) {
        if (after == null) {
            return 0;
        }
        int found = java.util.Collections.binarySearch(ranked, after, BY_COST);
        return found >= 0 ? found + 1 : -found - 1;
    }

    /** The window's unpriced spend. */
    UnpricedSpend unpriced() {
        return UnpricedSpend.of(unpriced);
    }
}
