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

    /**
     * The sessions by cost, highest first, then by id: at most {@code limit}, those after {@code after}'s
     * (cost, id) when given. Each is interval 0, the session's id, the first of its models by name.
     */
    List<SpendSum> page(SpendSum after, int limit) {
        List<SpendSum> sums = new ArrayList<>();
        tallies.forEach((id, tally) -> {
            SpendSum sum = tally.sum(0, id, tally.firstModel());
            if (after == null || BY_COST.compare(sum, after) > 0) {
                sums.add(sum);
            }
        });
        sums.sort(BY_COST);
        return sums.size() > limit ? sums.subList(0, limit) : sums;
    }

    /** The window's unpriced spend. */
    UnpricedSpend unpriced() {
        return UnpricedSpend.of(unpriced);
    }
}
