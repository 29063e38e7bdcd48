package dev.entourage.ledger;

/** Usage of one session with one model inside a time range, summed: a row of a cost report's input. */
public record UsageLine(long sessionId, long agentId, Long taskId, String model, long inputTokens, long outputTokens,
                        long cacheCreationInputTokens, long cacheReadInputTokens, long costMicros) {

    public long tokens() {
        return inputTokens + outputTokens + cacheCreationInputTokens + cacheReadInputTokens;
    }
}
