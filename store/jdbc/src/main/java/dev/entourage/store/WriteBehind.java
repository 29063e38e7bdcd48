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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a writer's batch knows between two flushes of its {@link PreparedCache} (one {@linkplain PreparedCache#epoch
 * epoch}): the sessions, agents, teams and tasks it read, the additions to session totals it keeps (sent as one
 * UPDATE per session when the cache flushes) and the usage rows it deferred. Reads of those rows are answered from
 * memory (a session with the batch's unsent additions applied, a usage row by its event id from the unsent ones),
 * so the reports of a batch need no round trip each for what they all read. Any statement that is not deferred or
 * aside starts a new epoch: the deferred writes are sent and everything here is forgotten, so nothing stale is ever
 * answered. For one batch, one thread.
 */
final class WriteBehind {
    private final PreparedCache sql;
    private long epoch = -1;
    private final Map<Long, Session> sessions = new HashMap<>();
    private final Map<Long, List<Addition>> unsentAdditions = new HashMap<>();
    private final Map<Long, Agent> agents = new HashMap<>();
    private final Map<Long, Team> teams = new HashMap<>();
    private final Map<Long, Task> tasks = new HashMap<>();
    private final Map<String, StoredUsage> unsentUsage = new HashMap<>();

    WriteBehind(PreparedCache sql) {
        this.sql = sql;
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

    /** The session as stored plus this epoch's unsent additions; {@code stored} reads it aside. */
    Optional<Session> session(long id, Supplier<Optional<Session>> stored) {
        current();
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

    /** Writes the sum of a session's additions (one UPDATE), as a deferred write. */
    @FunctionalInterface
    interface SessionAdder {
        void add(long sessionId, long input, long output, long cacheCreation, long cacheRead, long costMicros);
    }

    /**
     * Sends the additions to session totals through {@code adder}, one sum per session, when the cache flushes:
     * a session reported on many times in a batch is updated once.
     */
    void addToSessionsThrough(SessionAdder adder) {
        sql.beforeFlush(() -> {
            if (epoch == sql.epoch()) {
                unsentAdditions.forEach((id, additions) -> sql.deferred(() -> send(adder, id, additions)));
            }
            unsentAdditions.clear();
        });
    }

    private static void send(SessionAdder adder, long id, List<Addition> additions) {
        long input = 0, output = 0, cacheCreation = 0, cacheRead = 0, cost = 0;
        for (Addition a : additions) {
            input = Math.addExact(input, a.tokens().input());
            output = Math.addExact(output, a.tokens().output());
            cacheCreation = Math.addExact(cacheCreation, a.tokens().cacheCreation());
            cacheRead = Math.addExact(cacheRead, a.tokens().cacheRead());
            cost = Math.addExact(cost, a.costMicros());
        }
        adder.add(id, input, output, cacheCreation, cacheRead, cost);
    }

    /** Remembers an addition to a session's totals, to be sent by {@link #addToSessionsThrough}'s adder. */
    void addedToSession(long id, TokenCounts tokens, long costMicros) {
        current();
        sessions.computeIfPresent(id, (k, session) -> session.plus(tokens, costMicros));
        unsentAdditions.computeIfAbsent(id, k -> new ArrayList<>()).add(new Addition(tokens, costMicros));
    }

    Optional<Agent> agent(long id, Supplier<Optional<Agent>> stored) {
        return remembered(agents, id, stored);
    }

    Optional<Team> team(long id, Supplier<Optional<Team>> stored) {
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

    /** Remembers a usage row that was deferred, as it will read back (times to the millisecond). */
    void insertedUsage(StoredUsage usage) {
        current();
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
