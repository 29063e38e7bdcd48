package dev.entourage.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One block of an agent's work on (optionally) one task with (optionally) one model.
 *
 * @param endedAt    null while active
 * @param stopReason the first reason the session was told to stop (a {@link Scope} wire name), kept for the
 *                   session's life; null while it was never stopped
 * @param stopDetail what the person who killed it wrote, or null
 * @param capture    the coding agent behind it, for captured sessions ({@link SessionCapture#NONE} otherwise)
 */
public record Session(long id, long agentId, String agentName, long teamId, Long taskId, String model,
                      SessionStatus status, Instant startedAt, Instant endedAt, UsageTotals totals,
                      String stopReason, String stopDetail, SessionCapture capture) {
    public Session {
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(totals, "totals");
        capture = capture == null ? SessionCapture.NONE : capture;
    }

    public Session(long id, long agentId, String agentName, long teamId, Long taskId, String model,
                   SessionStatus status, Instant startedAt, Instant endedAt, UsageTotals totals, String stopReason,
                   String stopDetail) {
        this(id, agentId, agentName, teamId, taskId, model, status, startedAt, endedAt, totals, stopReason, stopDetail,
                SessionCapture.NONE);
    }

    public Session(long id, long agentId, String agentName, long teamId, Long taskId, String model,
                   SessionStatus status, Instant startedAt, Instant endedAt, UsageTotals totals, String stopReason) {
        this(id, agentId, agentName, teamId, taskId, model, status, startedAt, endedAt, totals, stopReason, null);
    }

    /** This session with one more event's tokens and cost added to its totals. */
    public Session plus(TokenCounts tokens, long costMicros) {
        UsageTotals sum = new UsageTotals(totals.inputTokens() + tokens.input(), totals.outputTokens() + tokens.output(),
                totals.cacheCreationInputTokens() + tokens.cacheCreation(),
                totals.cacheReadInputTokens() + tokens.cacheRead(), totals.costMicros() + costMicros);
        return new Session(id, agentId, agentName, teamId, taskId, model, status, startedAt, endedAt, sum, stopReason,
                stopDetail, capture);
    }

    /** This session with {@code reason} recorded as why it was told to stop. */
    public Session stoppedFor(String reason) {
        return new Session(id, agentId, agentName, teamId, taskId, model, status, startedAt, endedAt, totals, reason,
                stopDetail, capture);
    }

    /** Whether the agent's cost metric exceeds this session's captured calls by more than a cent. */
    public boolean metricMismatch() {
        return capture.metricMismatch();
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
