package dev.entourage.ledger;

import java.util.HashSet;
import java.util.Set;

/** One {@link SpendSum} being added up from rollup rows, exactly (longs), with its distinct sessions. */
final class SpendTally {
    private long cost;
    private long input;
    private long output;
    private long cacheCreation;
    private long cacheRead;
    private long unpriced;
    private long events;
    private final Set<Long> sessions = new HashSet<>();
    private long lastSession = -1;
    private String firstModel;
    private boolean anyModel;

    void add(RollupRow row) {
        cost += row.costMicros();
        input += row.inputTokens();
        output += row.outputTokens();
        cacheCreation += row.cacheCreationInputTokens();
        cacheRead += row.cacheReadInputTokens();
        unpriced += row.unpricedMicros();
        events += row.events();
        if (row.sessionId() != lastSession) {
            sessions.add(row.sessionId());
            lastSession = row.sessionId();
        }
        if (!anyModel) {
            firstModel = row.model();
            anyModel = true;
        } else if (firstModel != null && (row.model() == null || row.model().compareTo(firstModel) < 0)) {
            firstModel = row.model();
        }
    }

    long costMicros() {
        return cost;
    }

    /** The first of the rows' models by name, an unknown model (null) before any. */
    String firstModel() {
        return firstModel;
    }

    SpendSum sum(int interval, Long id, String name) {
        return new SpendSum(interval, id, name, cost, input, output, cacheCreation, cacheRead, unpriced, events,
                sessions.size());
    }
}
