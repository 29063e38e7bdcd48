package dev.entourage.ledger;

/**
 * What a captured model call says beside its tokens and dollars.
 *
 * @param speed            e.g. {@code fast}, or null
 * @param querySource      what asked for the call (Claude Code's {@code query_source}), or null
 * @param subagent         the subagent that made it ({@code agent.name}), or null
 * @param pricedCostMicros our price table's figure beside a reported cost, or null
 */
public record UsageLabels(String speed, String querySource, String subagent, Long pricedCostMicros) {
    public static final UsageLabels NONE = new UsageLabels(null, null, null, null);
}
