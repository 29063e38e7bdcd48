package dev.entourage.ledger;

/**
 * What a usage event says beside its tokens and dollars.
 *
 * @param speed            e.g. {@code fast}, or null
 * @param querySource      what asked for the call (Claude Code's {@code query_source}), or null
 * @param subagent         the subagent that made it ({@code agent.name}), or null
 * @param pricedCostMicros our price table's figure beside a reported cost, or null
 * @param serviceTier      the service tier the call ran on ({@code batch}, {@code priority}…), or null
 * @param inferenceGeo     where inference ran ({@code us}, {@code global}…), or null
 */
public record UsageLabels(String speed, String querySource, String subagent, Long pricedCostMicros,
                          String serviceTier, String inferenceGeo) {
    public static final UsageLabels NONE = new UsageLabels(null, null, null, null, null, null);

    /** Labels without a service tier or inference geography. */
    public UsageLabels(String speed, String querySource, String subagent, Long pricedCostMicros) {
        this(speed, querySource, subagent, pricedCostMicros, null, null);
    }
}
