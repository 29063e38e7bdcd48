package dev.entourage.ledger.access;

import java.util.Objects;

/** A key just created: the only time its secret exists outside the caller's hands. */
public record IssuedKey(ApiKey key, String secret) {
    public IssuedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "IssuedKey[key=" + key + ", secret=<hidden>]";
    }
}
