package dev.entourage.ledger.capture;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Text;
import java.time.Instant;

/**
 * One metric data point of {@code claude_code.cost.usage}, for the cross-check only; never charged to budgets.
 *
 * @param seriesKey  a stable text of the point's attributes (model, query_source, …) so several series of one
 *                   session add up
 * @param cumulative true replaces the series' value; false (delta, Claude Code's default) adds to it
 */
public record MetricPoint(CaptureOrigin origin, String seriesKey, long costMicros, boolean cumulative, Instant at) {
    public MetricPoint {
        if (origin == null) {
            throw LedgerException.invalid("session.id", "is required");
        }
        String key = Text.optional("attributes", seriesKey, 1000);
        seriesKey = key == null ? "" : key;
        if (costMicros < 0) {
            throw LedgerException.invalid("value", "must not be negative");
        }
        if (at == null) {
            throw LedgerException.invalid("time_unix_nano", "is required");
        }
    }
}
