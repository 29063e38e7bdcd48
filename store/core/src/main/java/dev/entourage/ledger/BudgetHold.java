package dev.entourage.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * A reservation of an estimated cost against every scope that applies to an agent (its day, the task, the team's
 * day). While it is {@link HoldStatus#HELD} and not expired, its amount counts as spent for every budget check.
 *
 * @param id        a time-ordered id (UUIDv7 text)
 * @param taskId    the task whose cap it reserves against, or null
 * @param sessionId the session it was reserved in, or null
 * @param closedAt  when it was settled, released or marked expired; null while held
 * @param eventId   the usage event that settled it, or null
 */
public record BudgetHold(String id, long agentId, long teamId, Long taskId, Long sessionId, long amountMicros,
                         Instant createdAt, Instant expiresAt, HoldStatus status, Instant closedAt, String eventId) {
    public BudgetHold {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(status, "status");
    }

    /** The status as of {@code now}: a hold still marked held whose time ran out reads as expired. */
    public HoldStatus statusAt(Instant now) {
        return status == HoldStatus.HELD && !now.isBefore(expiresAt) ? HoldStatus.EXPIRED : status;
    }
}
