package dev.entourage.ledger;

/**
 * A team's charged usage summed from its spend rollups over one interval of a range, for one group: the input of
 * cost reports and spend charts. Claims are never in it.
 *
 * @param interval the interval's index among the edges asked for (0 for the first)
 * @param id       the agent's, task's or session's id; null for models, for work on no task and for {@link By#TOTAL}
 * @param name     the agent's name, the model, the task's title; for sessions the first of their models by name;
 *                 null for an unknown model, for work on no task and for {@link By#TOTAL}
 * @param sessions how many distinct sessions spent in the group
 */
public record SpendSum(int interval, Long id, String name, long costMicros, long inputTokens, long outputTokens,
                       long cacheCreationInputTokens, long cacheReadInputTokens, long unpricedMicros, long events,
                       int sessions) {
    /** What the sums are grouped by, besides the interval. */
    public enum By {
        TOTAL, AGENT, MODEL, TASK
    }

    /** Input, output and both cache kinds. */
    public long tokens() {
        return inputTokens + outputTokens + cacheCreationInputTokens + cacheReadInputTokens;
    }
}
