package dev.entourage.ledger;

/**
 * The sessions of a cost report's range by cost, highest first, read on page by page (a CSV export): ranked once,
 * when made ({@link ReportService#costExport}); each page is read with its sessions when asked for.
 */
@FunctionalInterface
public interface CostExport {
    /**
     * The page after {@code cursor}'s session (a {@link CostReport#nextCursor()} or {@link CostReport.SessionPage}'s),
     * null for the top sessions.
     *
     * @throws LedgerException {@code invalid_request} on {@code cursor} for one a cost report did not give
     */
    CostReport.SessionPage page(String cursor);
}
