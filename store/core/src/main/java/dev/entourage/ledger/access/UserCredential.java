package dev.entourage.ledger.access;

import java.util.Objects;

/**
 * A person as the store keeps them, with their password hash: read only to check a login, never shown.
 *
 * @param passwordHash {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}
 */
public record UserCredential(User user, String passwordHash) {
    public UserCredential {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }

    @Override
    public String toString() {
        return "UserCredential[user=" + user + ", passwordHash=<hidden>]";
    }
}
