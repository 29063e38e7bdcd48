package dev.entourage.ledger;

import dev.entourage.ledger.capture.CaptureReceipt;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.capture.CapturedError;
import dev.entourage.ledger.capture.MetricPoint;
import java.util.List;

/** Usage captured from coding agents' telemetry: model calls, API errors and the metric cross-check. */
public final class CaptureService {
    private final LedgerContext ctx;

    CaptureService(LedgerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Records each call: finds or creates the session by its origin, dedupes by event id per agent (the same key as
     * {@code report_usage}'s {@code event_id}), and charges every scope exactly as a usage report does. Usage is never
     * refused for being over budget. A bad call is rejected (counted in the receipt with a reason naming the field);
     * the others are recorded. The batch is one or a few write units.
     */
    public CaptureReceipt record(Actor actor, List<CapturedCall> calls) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Counts each API error on its session (found or created by origin). */
    public CaptureReceipt recordErrors(Actor actor, List<CapturedError> errors) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Adds metric points to their sessions' cross-check totals; never charged to budgets. */
    public CaptureReceipt recordMetrics(Actor actor, List<MetricPoint> points) {
        throw new UnsupportedOperationException("not yet");
    }
}
