package dev.entourage.ledger;

/**
 * One row of a team's spend rollups read over a window of intervals (a five-minute or an hour row): what one session
 * spent with one model inside one interval of the edges asked for. Claims are never in it. One interval, session and
 * model may come as several rows (an hour's row and the five-minute rows of another part of the interval): sums of
 * rows are what count.
 *
 * @param interval the index of the interval holding the row, among the edges asked for (0 for the first)
 * @param model    null for usage with no known model
 * @param taskId   the session's task, null for none
 */
public record RollupRow(int interval, long sessionId, String model, long agentId, Long taskId, long costMicros,
                        long inputTokens, long outputTokens, long cacheCreationInputTokens, long cacheReadInputTokens,
                        long unpricedMicros, long events) {
    /** Which of a row's fields a read fills. */
    public enum Fields {
        /** Every field. */
        ALL,
        /**
         * The interval, agent, model and cost only (the session is 0, the task null, the other sums 0): what a spend
         * chart needs, read at a third of the cost of every field.
         */
        COST
    }
}
