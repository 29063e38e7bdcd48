package dev.entourage.store;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.StoredUsage;
import dev.entourage.ledger.Task;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a writer's batch knows between two flushes of its {@link PreparedCache} (one {@linkplain PreparedCache#epoch
 * epoch}): the sessions, agents, teams and tasks it read, and the usage rows and additions to session totals it keeps
 * in its {@link DeferredWrites} instead of writing them. Reads of those are answered from memory (a session with the
 * batch's unsent additions applied, a usage row by its event id from the unsent ones), so the reports of a batch need
 * no round trip each for what they all read. Any statement that is not aside sends the kept writes first and starts
 * a new epoch: everything here is forgotten, so nothing stale is ever answered. It also notes which sessions,
 * agents and teams the batch asked for, across epochs, so that a writer can read those of the next batch ahead
 * ({@link #remember}). For one batch, one thread.
 */
final class WriteBehind {
    private final PreparedCache sql;
    private final DeferredWrites writes;
    private long epoch = -1;
    private final Map<Long, Session> sessions = new HashMap<>();
    private final Map<Long, List<Addition>> unsentAdditions = new HashMap<>();
    private final Map<Long, Agent> agents = new HashMap<>();
    private final Map<Long, Team> teams = new HashMap<>();
    private final Map<Long, Task> tasks = new HashMap<>();
    private final Map<String, StoredUsage> unsentUsage = new HashMap<>();
    private final Set<Long> sessionsAsked = new LinkedHashSet<>();
    private final Set<Long> agentsAsked = new LinkedHashSet<>();
    private final Set<Long> teamsAsked = new LinkedHashSet<>();

    /** Keeps the batch's usage rows and session additions in {@code writes}, sent at each flush of {@code sql}. */
    WriteBehind(PreparedCache sql, DeferredWrites writes) {
        this.sql = sql;
        this.writes = writes;
        sql.beforeFlush(() -> writes.send(sql));
    }

    /** Forgets everything when the cache's epoch moved on (its deferred writes were sent, or anything ran). */
    private void current() {
        if (epoch != sql.epoch()) {
            sessions.clear();
            unsentAdditions.clear();
            agents.clear();
            teams.clear();
            tasks.clear();
            unsentUsage.clear();
            epoch = sql.epoch();
        }
    }

    /**
     * Remembers what was read at the current epoch, before anything of the batch ran (a writer reads the sessions,
     * agents and teams the batch will probably ask for in the round trip that takes its lock).
     */
    void remember(List<Session> read, List<Agent> readAgents, List<Team> readTeams) {
        current();
        read.forEach(session -> sessions.put(session.id(), session));
        readAgents.forEach(agent -> agents.put(agent.id(), agent));
        readTeams.forEach(team -> teams.put(team.id(), team));
    }

    /** The sessions the batch asked for, in the order first asked. */
    Set<Long> sessionsAsked() {
        return sessionsAsked;
    }

    Set<Long> agentsAsked() {
        return agentsAsked;
    }

    Set<Long> teamsAsked() {
        return teamsAsked;
    }

    /** The session as stored plus this epoch's unsent additions; {@code stored} reads it aside. */
    Optional<Session> session(long id, Supplier<Optional<Session>> stored) {
        current();
        sessionsAsked.add(id);
        Session known = sessions.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Session> read = sql.aside(stored);
        read.ifPresent(session -> {
            Session withAdditions = session;
            for (Addition addition : unsentAdditions.getOrDefault(id, List.of())) {
                withAdditions = withAdditions.plus(addition.tokens(), addition.costMicros());
            }
            sessions.put(id, withAdditions);
        });
        return read.map(session -> sessions.get(id));
    }

    /** One deferred addition to a session's totals. */
    private record Addition(TokenCounts tokens, long costMicros) {
    }

    /** Keeps an addition to a session's totals, to be sent with the batch's other writes. */
    void addToSession(long id, TokenCounts tokens, long costMicros) {
        current();
        sessions.computeIfPresent(id, (k, session) -> session.plus(tokens, costMicros));
        unsentAdditions.computeIfAbsent(id, k -> new ArrayList<>()).add(new Addition(tokens, costMicros));
        writes.addToSession(id, tokens, costMicros);
    }

    Optional<Agent> agent(long id, Supplier<Optional<Agent>> stored) {
        agentsAsked.add(id);
        return remembered(agents, id, stored);
    }

    Optional<Team> team(long id, Supplier<Optional<Team>> stored) {
        teamsAsked.add(id);
        return remembered(teams, id, stored);
    }

    Optional<Task> task(long id, Supplier<Optional<Task>> stored) {
        return remembered(tasks, id, stored);
    }

    /** A usage row of this epoch not sent yet, else the stored one (read aside). */
    Optional<StoredUsage> usage(long agentId, String eventId, Supplier<Optional<StoredUsage>> stored) {
        current();
        StoredUsage unsent = unsentUsage.get(agentId + "/" + eventId);
        return unsent != null ? Optional.of(unsent) : sql.aside(stored);
    }

    /** Keeps a new usage row, to be sent with the batch's other writes, and remembers it as it will read back. */
    void insertUsage(StoredUsage usage) {
        current();
        writes.usage(usage);
        unsentUsage.put(usage.agentId() + "/" + usage.eventId(), new StoredUsage(usage.eventId(), usage.sessionId(),
                usage.agentId(), usage.teamId(), usage.taskId(), usage.model(), usage.tokens(), usage.costMicros(),
                usage.costSource(), usage.price(), usage.fingerprint(), usage.action(), usage.stopReason(),
                Instant.ofEpochMilli(usage.reportedAt().toEpochMilli()), usage.labels(), usage.claim()));
    }

    private <T> Optional<T> remembered(Map<Long, T> known, long id, Supplier<Optional<T>> stored) {
        current();
        T value = known.get(id);
        if (value != null) {
            return Optional.of(value);
        }
        Optional<T> read = sql.aside(stored);
        read.ifPresent(found -> known.put(id, found));
        return read;
    }
}
