package dev.entourage.ledger;

import java.util.Locale;

/** Where a usage event's cost came from. */
public enum CostSource {
    /** The caller sent {@code cost_usd}. */
    REPORTED,
    /** Computed from a known model's prices. */
    PRICED,
    /**
     * A known model's row priced the call, but not all of it: the call asked for a modifier (a tier, speed or
     * region) the row has no price for, and standard rates were applied.
     */
    ESTIMATED,
    /**
     * The price table has no row for the model: priced at its family's dearest current row, else the table's
     * {@code @unknown} row, so never at $0. A team with {@code refuse_unpriced_models} refuses such work instead.
     */
    UNPRICED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CostSource fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
