package dev.entourage.ledger;

import java.util.Locale;

/** What the agent should do after an answer. */
public enum Action {
    CONTINUE, STOP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Action fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
