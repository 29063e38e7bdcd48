package dev.entourage.store;

import dev.entourage.ledger.StoredUsage;
import dev.entourage.ledger.TokenCounts;

/**
 * The writes a writer's batch keeps in memory instead of running them (see {@link WriteBehind}): usage rows with
 * their rollups, and additions to session totals. Nothing reads them back from the database before they are sent:
 * {@link WriteBehind} answers the batch's own reads of them from memory, and every other statement sends them first
 * ({@link PreparedCache#beforeFlush}). A store sends them in as few round trips as it can. For one batch, one thread.
 */
interface DeferredWrites {
    /** Keeps a new usage row, and its additions to the five-minute and hour rollups unless it is a claim. */
    void usage(StoredUsage usage);

    /** Keeps an addition to a session's totals. */
    void addToSession(long sessionId, TokenCounts tokens, long costMicros);

    /** Sends everything kept (nothing when nothing is), through statements run aside on {@code sql}; keeps nothing. */
    void send(PreparedCache sql);
}
