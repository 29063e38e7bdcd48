package dev.entourage.ledger;

/**
 * What a session knows of the coding agent behind it, when its usage is captured rather than reported.
 *
 * @param source           {@code claude_code}, {@code codex} or {@code gemini}; null for a session opened by
 *                         {@code start_session} (self-reported)
 * @param externalId       the coding agent's own session id, or null
 * @param cwd              the working directory the agent ran in, or null
 * @param gitBranch        the git branch there, or null
 * @param apiErrors        API errors seen in the agent's telemetry
 * @param captured         true once any captured model call landed on the session; from then on usage reports
 *                         on it are claims (kept, not charged)
 * @param metricCostMicros the session's total in the agent's cost metric (the cross-check); null when no metric
 *                         point was seen
 * @param capturedCostMicros what the captured calls alone cost (self-reports made before capture left out)
 */
public record SessionCapture(String source, String externalId, String cwd, String gitBranch, long apiErrors,
                             boolean captured, Long metricCostMicros, long capturedCostMicros) {
    /** The gap between metric and events above which a session is flagged: one cent. */
    public static final long METRIC_TOLERANCE_MICROS = 10_000;

    /** A self-reported session's. */
    public static final SessionCapture NONE = new SessionCapture(null, null, null, null, 0, false, null, 0);

    /** Whether the metric total exceeds the captured calls' total by more than one cent. */
    public boolean metricMismatch() {
        return metricCostMicros != null && metricCostMicros - capturedCostMicros > METRIC_TOLERANCE_MICROS;
    }
}
