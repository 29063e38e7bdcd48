package dev.entourage.ledger.access;

import java.time.Instant;
import java.util.Objects;

/**
 * An API key as stored and listed: never the secret, only its first characters.
 *
 * @param prefix     the first characters of the key, e.g. {@code oc_7Hq2}, to recognise it
 * @param agentId    the agent an {@link Role#AGENT} key acts for, else null
 * @param lastUsedAt null when never used (updated at most once a minute)
 * @param revokedAt  null while the key works
 */
public record ApiKey(long id, String prefix, String name, Role role, long teamId, Long agentId, Instant createdAt,
                     Instant lastUsedAt, Instant revokedAt) {
    public ApiKey {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
