package dev.entourage.ledger;

/** Where a metered call stands; {@link #wireName()} is its stored value. */
public enum MeteredCallState {
    /** Sent upstream (or about to be); its hold is placed and nothing is charged yet. */
    OPEN("open"),
    /** Charged its exact usage from the answer. */
    SETTLED("settled"),
    /** Charged its floor: the answer was cut before its usage was known. */
    FLOORED("floored"),
    /** Charged nothing: the upstream refused it or could not be reached. */
    RELEASED("released"),
    /** Charged its floor after the process that made it died (or its hold ran out) before it closed. */
    RECOVERED("recovered");

    private final String wireName;

    MeteredCallState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static MeteredCallState fromWire(String wire) {
        for (MeteredCallState state : values()) {
            if (state.wireName.equals(wire)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown metered call state " + wire);
    }
}
