package dev.entourage.ledger;

import java.util.Locale;

/** Where a usage event's cost came from. */
public enum CostSource {
    /** The caller sent {@code cost_usd}. */
    REPORTED,
    /** Computed from a known model's prices. */
    PRICED,
    /** The model was unknown: priced at its family's dearest current row, else the table's {@code @unknown} row. */
    ESTIMATED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CostSource fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
