package dev.entourage.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * The durable record of one model call a gateway meters, written with its hold before the call is sent and closed
 * in the transaction that charges it, so a call whose process died mid-answer is found and charged its floor once.
 *
 * @param holdId        its hold's id (the record's key)
 * @param source        the captured session's source (wire name) and {@code externalId} its own id
 * @param inputEstimate the input tokens the hold was sized for: the floor charged when nothing better is known
 * @param owner         the process that made the call ({@link CallOwner#current()})
 * @param expiresAt     its hold's expiry: after it, any process may recover the call
 * @param closedAt      when it was charged or released; null while open
 * @param eventId       the usage event that charged it, or null
 */
public record MeteredCall(String holdId, long sessionId, long agentId, long teamId, String source, String externalId,
                          String model, long inputEstimate, String owner, Instant startedAt, Instant expiresAt,
                          MeteredCallState state, Instant closedAt, String eventId) {
    public MeteredCall {
        Objects.requireNonNull(holdId, "holdId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(state, "state");
    }
}
