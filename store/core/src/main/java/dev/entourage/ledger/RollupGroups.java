package dev.entourage.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Sums rollup rows per group {@link SpendSum.By} (a team's total, its agents, models or tasks), either over the
 * whole window (interval 0) or per interval: what a cost report's totals and groups, its days and a spend chart
 * show. Fed once per row by one scan of the window, with other tallies beside it. Each agent or task is named once.
 */
final class RollupGroups implements Consumer<RollupRow> {
    private final SpendSum.By by;
    private final boolean perInterval;
    private final List<Map<Object, SpendTally>> byInterval = new ArrayList<>();

    private RollupGroups(SpendSum.By by, boolean perInterval) {
        this.by = by;
        this.perInterval = perInterval;
    }

    /** Groups over the whole window. */
    static RollupGroups whole(SpendSum.By by) {
        return new RollupGroups(by, false);
    }

    /** Groups per interval. */
    static RollupGroups perInterval(SpendSum.By by) {
        return new RollupGroups(by, true);
    }

    @Override
    public void accept(RollupRow row) {
        Object group = switch (by) {
            case TOTAL -> null;
            case AGENT -> row.agentId();
            case MODEL -> row.model();
            case TASK -> row.taskId();
        };
        int interval = perInterval ? row.interval() : 0;
        while (byInterval.size() <= interval) {
            byInterval.add(new HashMap<>());
        }
        byInterval.get(interval).computeIfAbsent(group, k -> new SpendTally()).add(row);
    }

    /**
     * The sums, groups with nothing charged left out, in no particular order; agents are named by
     * {@code agentNames}, tasks by {@code taskTitles}.
     */
    List<SpendSum> sums(LongFunction<String> agentNames, LongFunction<String> taskTitles) {
        Map<Long, String> names = new HashMap<>();
        List<SpendSum> sums = new ArrayList<>();
        for (int interval = 0; interval < byInterval.size(); interval++) {
            for (Map.Entry<Object, SpendTally> group : byInterval.get(interval).entrySet()) {
                Long id = by == SpendSum.By.AGENT || by == SpendSum.By.TASK ? (Long) group.getKey() : null;
                String name = switch (by) {
                    case TOTAL -> null;
                    case AGENT -> names.computeIfAbsent(id, agentNames::apply);
                    case MODEL -> (String) group.getKey();
                    case TASK -> id == null ? null : names.computeIfAbsent(id, taskTitles::apply);
                };
                sums.add(group.getValue().sum(interval, id, name));
            }
        }
        return sums;
    }

    /** {@link #sums} of a total or of models, which need no names. */
    List<SpendSum> sums() {
        return sums(id -> null, id -> null);
    }
}
