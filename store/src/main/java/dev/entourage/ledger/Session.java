package dev.entourage.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One block of an agent's work on (optionally) one task with (optionally) one model.
 *
 * @param endedAt    null while active
 * @param stopReason why the session was stopped by a person or a guard; null otherwise
 */
public record Session(long id, long agentId, String agentName, long teamId, Long taskId, String model,
                      SessionStatus status, Instant startedAt, Instant endedAt, UsageTotals totals,
                      String stopReason) {
    public Session {
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(totals, "totals");
    }

    public boolean isActive() {
        return status == SessionStatus.ACTIVE;
    }

    /** Whole minutes from start to end, or to {@code now} while active, rounded to the nearest minute. */
    public long durationMinutes(Instant now) {
        Instant end = endedAt != null ? endedAt : now;
        long seconds = Math.max(0, Duration.between(startedAt, end).toSeconds());
        return (seconds + 30) / 60;
    }
}
