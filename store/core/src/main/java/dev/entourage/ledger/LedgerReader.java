package dev.entourage.ledger;

import dev.entourage.ledger.events.ChangeMarker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** The agent's session opened for a coding agent's own session id ({@code source} is its wire name). */
    Optional<Session> sessionByExternalId(long agentId, String source, String externalId);

    /** What the session remembers between hook calls; {@link HookState#NONE} when nothing yet. */
    HookState hookState(long sessionId);

    /** The oldest of the team's tasks titled exactly {@code title}. */
    Optional<Task> taskByTitle(long teamId, String title);

    /** Micro-dollars counted on one scope in one window; 0 when nothing was spent. */
    long spent(SpendKey key);

    /** {@link #spent(SpendKey)} of each key (0 where nothing was spent), in one query where the store can. */
    default Map<SpendKey, Long> spentAll(List<SpendKey> keys) {
        Map<SpendKey, Long> spent = new HashMap<>();
        keys.forEach(key -> spent.put(key, spent(key)));
        return spent;
    }

    /** The usage event agent {@code agentId} recorded under {@code eventId}: event ids are one namespace per agent. */
    Optional<StoredUsage> usageByEventId(long agentId, String eventId);

    /**
     * Micro-dollars reserved by holds still held and not expired at {@code now} against one subject: an agent's,
     * a team's, a task's or a session's holds (a hold counts against all four of its own).
     */
    long held(BudgetSubject subject, long subjectId, java.time.Instant now);

    /** {@link #held} of each subject (by its id), in one query where the store can. */
    default Map<BudgetSubject, Long> heldAll(Map<BudgetSubject, Long> subjectIds, java.time.Instant now) {
        Map<BudgetSubject, Long> held = new java.util.EnumMap<>(BudgetSubject.class);
        subjectIds.forEach((subject, id) -> held.put(subject, held(subject, id, now)));
        return held;
    }

    Optional<BudgetHold> hold(String holdId);

    /** The path of team {@code teamId}'s key file for {@code provider} (a wire name), if set. */
    Optional<String> teamKeyFile(long teamId, String provider);

    /** The metered call of hold {@code holdId}. */
    Optional<MeteredCall> meteredCall(String holdId);

    /** Up to {@code limit} metered calls still open, oldest first. */
    List<MeteredCall> openMeteredCalls(int limit);

    /** A team's tasks, newest first. */
    List<Task> tasks(long teamId);

    /**
     * Micro-dollars reported in {@code [from, to)} by one team ({@code agentId} null) or by one agent of the team.
     */
    long spentBetween(long teamId, Long agentId, java.time.Instant from, java.time.Instant to);

    /** Micro-dollars the session reported after {@code since} (exclusive). */
    long sessionSpentSince(long sessionId, java.time.Instant since);

    /** A team's alerts, newest first, at most {@code limit}. */
    List<Alert> alerts(long teamId, int limit);

    /**
     * Alerts not yet delivered, due for an attempt at {@code now} (fewer than {@code maxAttempts} tried), of teams
     * that have a webhook URL; oldest first, at most {@code limit}.
     */
    List<Alert> dueAlerts(java.time.Instant now, int maxAttempts, int limit);

    // dashboard and reports (see JdbiReportQueries)

    /** A team's agents, by name. */
    List<Agent> agents(long teamId);

    /**
     * A team's sessions, newest first: the active ones, or else the ended and killed ones; those with an id below
     * {@code beforeId} (all when null), at most {@code limit}.
     */
    List<Session> teamSessions(long teamId, boolean active, Long beforeId, int limit);

    /** The sessions of these ids that exist, by id: one read for a page of a report. */
    java.util.Map<Long, Session> sessionsById(java.util.Collection<Long> ids);

    /** How many active sessions each agent of the team has (agents without one are left out). */
    java.util.Map<Long, Integer> activeSessionCounts(long teamId);

    /**
     * A session's usage events with an id below {@code beforeId} (all when null), newest first, at most
     * {@code limit}.
     */
    List<UsageEntry> sessionUsage(long sessionId, Long beforeId, int limit);

    /**
     * Hands {@code each} every spend rollup row of a team in {@code [edges[0], edges[last])}, placed in the interval
     * {@code [edges[i], edges[i+1])} holding it, in no particular order: one read of the window, whatever its
     * intervals. Edges are ascending multiples of five minutes since the epoch. The store reads a window's whole UTC
     * hours from its hour rollups and the rest from its five-minute rollups, so the rows of an interval sum to exactly
     * what was charged in it (claims left out). {@code fields} says which of the rows' fields are read.
     */
    void rollups(long teamId, List<java.time.Instant> edges, RollupRow.Fields fields,
                 java.util.function.Consumer<RollupRow> each);

    /**
     * Counts for noticing other writers: usage rows above id {@code usageAfter}, sessions above id
     * {@code sessionsAfter}, and closed sessions from id {@code closedFrom} on.
     */
    ChangeMarker changeMarker(long usageAfter, long sessionsAfter, long closedFrom);

    /** The id of the oldest active session, or one more than the newest session's id when none is active. */
    long oldestActiveSessionId();

    // access

    Optional<dev.entourage.ledger.access.ApiKey> apiKey(long id);

    /** The key whose SHA-256 hex is {@code keyHash}, revoked or not. */
    Optional<dev.entourage.ledger.access.ApiKey> apiKeyByHash(String keyHash);

    /** A team's keys, newest first, revoked ones included. */
    List<dev.entourage.ledger.access.ApiKey> apiKeys(long teamId);

    /** The person with this (lower-case) email, with their password hash. */
    Optional<dev.entourage.ledger.access.UserCredential> userByEmail(String email);

    /** A secret of the program (e.g. the token secret) by name. */
    Optional<byte[]> secret(String name);
}
