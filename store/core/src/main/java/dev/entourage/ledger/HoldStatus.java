package dev.entourage.ledger;

/** Where a budget hold stands; {@link #wireName()} is its JSON value. */
public enum HoldStatus {
    /** Reserved and counting as spent until it is settled, released or expires. */
    HELD("held"),
    /** A usage report named it: its reservation gave way to the real cost. */
    SETTLED("settled"),
    /** Released explicitly before it was used. */
    RELEASED("released"),
    /** Its time ran out before a report settled it; it no longer counts. */
    EXPIRED("expired");

    private final String wireName;

    HoldStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static HoldStatus fromWire(String wire) {
        for (HoldStatus status : values()) {
            if (status.wireName.equals(wire)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown hold status " + wire);
    }
}
