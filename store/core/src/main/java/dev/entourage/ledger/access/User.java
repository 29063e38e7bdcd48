package dev.entourage.ledger.access;

import java.time.Instant;
import java.util.Objects;

/** A person who logs in for a JWT; the password hash never leaves the store. */
public record User(long id, String email, Role role, long teamId, Instant createdAt) {
    public User {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
