package dev.entourage.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Writes available inside a write transaction of a {@link LedgerStore}; reads see the writes before them. */
public interface LedgerWriter extends LedgerReader {
    Team insertTeam(String name, Instant createdAt);

    void updateTeam(Team team);

    Agent insertAgent(String name, long teamId, Instant createdAt);

    void updateAgent(Agent agent);

    Task insertTask(long teamId, NewTask task, Long budgetMicros, Instant createdAt);

    Session insertSession(Agent agent, Long taskId, String model, Instant startedAt);

    /** Inserts an active session of a coding agent's own session id ({@code source} is its wire name). */
    Session insertExternalSession(Agent agent, Long taskId, String source, String externalId, Instant startedAt);

    /** Makes an ended session active again (a resumed coding agent session); a killed one is left as it is. */
    void reopenSession(long sessionId);

    /** Stores where the session runs: each of {@code cwd} and {@code gitBranch} only when given and none is stored. */
    void placeSession(long sessionId, String cwd, String gitBranch);

    /** Marks the session's usage as captured from telemetry and adds one captured call's cost to its tally. */
    void addCapturedCost(long sessionId, long costMicros);

    /** Counts {@code count} more API errors on the session. */
    void addApiErrors(long sessionId, int count);

    /**
     * Adds {@code micros} to one metric series of the session ({@code cumulative}: replaces its value instead), and
     * keeps the session's metric total the sum of its series.
     */
    void addMetric(long sessionId, String seriesKey, long micros, boolean cumulative);

    void saveHookState(long sessionId, HookState state);

    /**
     * Closes a session. A stop reason recorded before is kept (the first reason wins for the session's life); else
     * {@code stopReason} is recorded. {@code stopDetail} is what a person wrote when killing it, or null.
     */
    void endSession(long sessionId, SessionStatus status, Instant endedAt, String stopReason, String stopDetail);

    /** Records why the session was told to stop, unless an earlier reason is recorded already. */
    void recordStop(long sessionId, String stopReason);

    /** Adds one event's tokens and cost to its session's totals. */
    void addToSession(long sessionId, TokenCounts tokens, long costMicros);

    void insertUsage(StoredUsage usage);

    /** Adds {@code micros} to the counter of one scope in one window, creating it at 0 first; returns the new total. */
    long addSpend(SpendKey key, long micros);

    /**
     * {@link #addSpend} of {@code micros} to each of {@code keys} (distinct), in one statement where the store can;
     * returns each counter's new total.
     */
    Map<SpendKey, Long> addSpendAll(List<SpendKey> keys, long micros);

    void insertHold(BudgetHold hold);

    /** Moves a held hold to {@code status} (settled, released or expired); a hold no longer held is left as it is. */
    void closeHold(String holdId, HoldStatus status, Instant closedAt, String eventId);

    /** Stores (or with null removes) team {@code teamId}'s key file path for {@code provider} (a wire name). */
    void setTeamKeyFile(long teamId, String provider, String path);

    void insertMeteredCall(MeteredCall call);

    /**
     * Closes an open metered call as {@code state} (charged by {@code eventId}, or null); false, changing nothing,
     * when it is closed already.
     */
    boolean closeMeteredCall(String holdId, MeteredCallState state, Instant closedAt, String eventId);

    /** Releases the session's held holds at {@code now} (its block of work is over); returns how many. */
    int releaseSessionHolds(long sessionId, Instant now);

    /** Marks the team's held holds whose time ran out at {@code now} as expired; returns how many. */
    int expireHolds(long teamId, Instant now);

    /** Stores the alert unless one of its (scope, scope id, window, threshold) exists; the stored one, if new. */
    java.util.Optional<Alert> insertAlert(Alert alert, Instant nextAttemptAt);

    /**
     * Takes a due alert for one delivery attempt, pushing its next attempt to {@code leaseUntil} so no other
     * dispatcher takes it meanwhile; false when it is not due (any more).
     */
    boolean claimAlert(long alertId, Instant now, Instant leaseUntil);

    /** Records one delivery attempt: delivered at {@code deliveredAt}, or failed with {@code error}. */
    void recordAlertAttempt(long alertId, Instant deliveredAt, Instant nextAttemptAt, String error);

    // access

    dev.entourage.ledger.access.ApiKey insertApiKey(String keyHash, String prefix, String name,
                                                     dev.entourage.ledger.access.Role role, long teamId, Long agentId,
                                                     Instant createdAt);

    /** Marks the key revoked at {@code revokedAt}, unless it is revoked already. */
    void revokeApiKey(long id, Instant revokedAt);

    /** Sets the key's {@code last_used_at} to {@code usedAt} unless it is later already; true when it changed. */
    boolean touchApiKey(long id, Instant usedAt);

    dev.entourage.ledger.access.User insertUser(String email, String passwordHash,
                                                dev.entourage.ledger.access.Role role, long teamId, Instant createdAt);

    /** Stores {@code value} under {@code name} unless a secret of that name exists already. */
    void insertSecretIfAbsent(String name, byte[] value, Instant createdAt);
}
