package dev.entourage.ledger;

import java.util.List;
import java.util.Optional;

/** Reads available inside a transaction of a {@link LedgerStore}. */
public interface LedgerReader {
    Optional<Team> team(long id);

    Optional<Team> teamByName(String name);

    List<Team> teams();

    Optional<Agent> agent(long id);

    Optional<Agent> agentByName(String name);

    Optional<Task> task(long id);

    Optional<Session> session(long id);

    /** The agent's most recently started active session. */
    Optional<Session> latestActiveSession(long agentId);

    List<Session> sessions(long agentId, SessionQuery query);

    /** Micro-dollars counted on one scope in one window; 0 when nothing was spent. */
    long spent(SpendKey key);

    Optional<StoredUsage> usageByEventId(String eventId);

    /** A team's tasks, newest first. */
    List<Task> tasks(long teamId);

    /** A team's usage reported in {@code [from, to)}, summed by session and model. */
    List<UsageLine> usageBetween(long teamId, java.time.Instant from, java.time.Instant to);
}
