package dev.entourage.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * A team's usage of one session with one model inside one {@value #SECONDS}-second slot of UTC time, summed: the
 * input of spend charts and of a cost report's days. Every zone offset in use is a multiple of five minutes, so a
 * slot never straddles a midnight of any team's zone.
 *
 * @param start     the slot's start, a multiple of {@value #SECONDS} seconds since the epoch
 * @param agentName the session's agent
 * @param model     the events' model, or null when unknown
 */
public record UsageSlot(Instant start, long sessionId, String agentName, String model, long costMicros,
                        long inputTokens, long outputTokens) {
    /** The length of a slot. */
    public static final int SECONDS = 300;

    public UsageSlot {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(agentName, "agentName");
    }
}
