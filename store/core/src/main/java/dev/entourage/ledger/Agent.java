package dev.entourage.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * One AI worker, e.g. {@code eng-1}.
 *
 * @param dailyLimitMicros the agent's daily cap in micro-dollars; null means no limit
 */
public record Agent(long id, String name, long teamId, Long dailyLimitMicros, boolean paused, Instant createdAt) {
    public Agent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
