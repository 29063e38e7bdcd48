package dev.entourage.ledger;

/** Life cycle of a session. */
public enum SessionStatus {
    ACTIVE, ENDED, KILLED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static SessionStatus fromWire(String name) {
        for (SessionStatus status : values()) {
            if (status.wireName().equals(name)) {
                return status;
            }
        }
        throw LedgerException.invalid("status", "must be one of active, ended, killed");
    }
}
