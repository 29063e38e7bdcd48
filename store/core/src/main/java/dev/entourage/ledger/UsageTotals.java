package dev.entourage.ledger;

/** Running totals of a session: tokens by kind and cost in micro-dollars. */
public record UsageTotals(long inputTokens, long outputTokens, long cacheCreationInputTokens,
                          long cacheReadInputTokens, long costMicros) {
    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0);

    public long totalTokens() {
        return inputTokens + outputTokens + cacheCreationInputTokens + cacheReadInputTokens;
    }
}
