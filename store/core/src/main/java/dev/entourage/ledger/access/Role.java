package dev.entourage.ledger.access;

import dev.entourage.ledger.LedgerException;
import java.util.Locale;

/** What a key or a person may do: an agent acts for its own agent only, a viewer reads, an admin does all. */
public enum Role {
    AGENT, ADMIN, VIEWER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWire(String field, String name) {
        for (Role role : values()) {
            if (role.wireName().equals(name)) {
                return role;
            }
        }
        throw LedgerException.invalid(field, "must be one of agent, admin, viewer");
    }
}
