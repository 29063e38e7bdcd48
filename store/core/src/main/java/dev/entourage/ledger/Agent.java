package dev.entourage.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * One AI worker, e.g. {@code eng-1}.
 *
 * @param dailyLimitMicros   the agent's daily cap in micro-dollars; null means no limit
 * @param weeklyLimitMicros  the agent's cap per ISO week in its team's zone; null means no limit
 * @param monthlyLimitMicros the agent's cap per calendar month in its team's zone; null means no limit
 */
public record Agent(long id, String name, long teamId, Long dailyLimitMicros, boolean paused, Instant createdAt,
                    Long weeklyLimitMicros, Long monthlyLimitMicros) {
    public Agent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** An agent with a daily cap only. */
    public Agent(long id, String name, long teamId, Long dailyLimitMicros, boolean paused, Instant createdAt) {
        this(id, name, teamId, dailyLimitMicros, paused, createdAt, null, null);
    }
}
