package dev.entourage.store;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SpendKey;
import dev.entourage.ledger.Team;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the PostgreSQL writer reads in the round trip that takes its write lock, before a batch's pieces run: the
 * sessions, agents and teams the batch before asked for, whether any hold is open, and the spend counters the batch
 * before used. The reports of a busy team ask for the same few of each batch after batch, so a batch usually needs
 * no round trip of its own for any of them. Every part runs after the lock is taken, in the batch's transaction
 * (READ COMMITTED: each part sees everything committed before it), so what it reads is as current as a read by the
 * piece itself; whatever a piece asks for beyond it is read when asked. Immutable.
 */
final class PostgresReadAhead {
    /** At most this many sessions, agents, teams and counters of one batch are read ahead in the next, each. */
    static final int MAX_READ_AHEAD = 64;
    /** Nothing to read ahead (the writer's first batch). */
    static final PostgresReadAhead NOTHING = new PostgresReadAhead(new long[0], new long[0], new long[0], List.of());

    private static final String LOCK_AND_READ = String.join("; ",
            "SELECT 1 FROM (SELECT pg_advisory_xact_lock(?), pg_notify(?, ?)) AS w",
            "SELECT " + JdbiLedgerAccess.SESSION_COLUMNS + "WHERE s.id = ANY(?::bigint[])",
            "SELECT " + JdbiSettingsQueries.AGENT_COLUMNS + " FROM agents WHERE id = ANY(?::bigint[])",
            "SELECT " + JdbiSettingsQueries.TEAM_COLUMNS + " FROM teams WHERE id = ANY(?::bigint[])",
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM budget_holds WHERE status = 'held') THEN 1 ELSE 0 END",
            "SELECT k.i, c.spent_micros "
                    + "FROM unnest(?::text[], ?::bigint[], ?::text[]) WITH ORDINALITY AS k (scope, scope_id, window_key, i) "
                    + "LEFT JOIN spend_counters c ON c.scope = k.scope AND c.scope_id = k.scope_id "
                    + "AND c.window_key = k.window_key");

    private final long[] sessionIds;
    private final long[] agentIds;
    private final long[] teamIds;
    private final List<SpendKey> counters;

    private PostgresReadAhead(long[] sessionIds, long[] agentIds, long[] teamIds, List<SpendKey> counters) {
        this.sessionIds = sessionIds;
        this.agentIds = agentIds;
        this.teamIds = teamIds;
        this.counters = counters;
    }

    /** What to read ahead for the next batch: what this one asked for, the first {@link #MAX_READ_AHEAD} of each. */
    static PostgresReadAhead after(WriteBehind asked, Set<SpendKey> counters) {
        return new PostgresReadAhead(first(asked.sessionsAsked()), first(asked.agentsAsked()),
                first(asked.teamsAsked()), counters.stream().limit(MAX_READ_AHEAD).toList());
    }

    private static long[] first(Set<Long> ids) {
        return ids.stream().limit(MAX_READ_AHEAD).mapToLong(Long::longValue).toArray();
    }

    /** What one batch read with its lock. */
    record Read(List<Session> sessions, List<Agent> agents, List<Team> teams, boolean anyOpenHold,
                Map<SpendKey, Long> counters) {
    }

    /**
     * Takes the database-wide write lock, queues the change notice (delivered at commit) and reads, in one statement
     * of several parts (one round trip); the transaction must have begun.
     */
    Read lockAndRead(PreparedCache sql, long lock, String channel, String origin) {
        List<Session> sessions = new ArrayList<>();
        List<Agent> agents = new ArrayList<>();
        List<Team> teams = new ArrayList<>();
        boolean[] anyOpenHold = new boolean[1];
        long[] stored = new long[counters.size()];
        String[] scopes = new String[counters.size()];
        long[] scopeIds = new long[counters.size()];
        String[] windows = new String[counters.size()];
        for (int i = 0; i < counters.size(); i++) {
            scopes[i] = counters.get(i).scope().wireName();
            scopeIds[i] = counters.get(i).scopeId();
            windows[i] = counters.get(i).window();
        }
        sql.forEachPart(LOCK_AND_READ, List.of(
                rs -> { },
                rs -> sessions.add(JdbiLedgerAccess.session(rs)),
                rs -> agents.add(JdbiSettingsQueries.agent(rs)),
                rs -> teams.add(JdbiSettingsQueries.team(rs)),
                rs -> anyOpenHold[0] = rs.getInt(1) != 0,
                rs -> stored[rs.getInt(1) - 1] = rs.getLong(2)),
                lock, channel, origin, sessionIds, agentIds, teamIds, scopes, scopeIds, windows);
        Map<SpendKey, Long> read = new HashMap<>();
        for (int i = 0; i < counters.size(); i++) {
            read.put(counters.get(i), stored[i]);
        }
        return new Read(sessions, agents, teams, anyOpenHold[0], read);
    }
}
