package dev.entourage.store;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.HookState;
import dev.entourage.ledger.LedgerWriter;
import dev.entourage.ledger.Session;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The part of the ledger's reads and writes that {@link JdbiLedgerAccess} hands on unchanged: captured sessions and
 * hook state ({@link JdbiCaptureQueries}), the dashboard and report queries ({@link JdbiReportQueries}, {@link JdbiRollupQueries}) and the
 * access tables ({@link JdbiAccessQueries}), over the same handle
 * and statement cache as the rest of the transaction.
 */
abstract class JdbiDelegatedQueries implements LedgerWriter {
    /** The transaction's Jdbi handle, opened on first need. */
    abstract Handle handle();

    /** The transaction's cache of compiled hot-path statements. */
    abstract PreparedCache sql();

    // metered calls of the gateway, in JdbiMeteredQueries

    @Override
    public Optional<dev.entourage.ledger.MeteredCall> meteredCall(String holdId) {
        return new JdbiMeteredQueries(sql()).call(holdId);
    }

    @Override
    public List<dev.entourage.ledger.MeteredCall> openMeteredCalls(int limit) {
        return new JdbiMeteredQueries(sql()).open(limit);
    }

    @Override
    public Optional<String> teamKeyFile(long teamId, String provider) {
        return new JdbiMeteredQueries(sql()).keyFile(teamId, provider);
    }

    @Override
    public void setTeamKeyFile(long teamId, String provider, String path) {
        new JdbiMeteredQueries(sql()).setKeyFile(teamId, provider, path);
    }

    @Override
    public void insertMeteredCall(dev.entourage.ledger.MeteredCall call) {
        new JdbiMeteredQueries(sql()).insert(call);
    }

    @Override
    public boolean closeMeteredCall(String holdId, dev.entourage.ledger.MeteredCallState state, Instant closedAt,
                                    String eventId) {
        return new JdbiMeteredQueries(sql()).close(holdId, state, closedAt, eventId);
    }

    // captured sessions and hook state, in JdbiCaptureQueries

    private JdbiCaptureQueries capture() {
        return new JdbiCaptureQueries(sql());
    }

    @Override
    public Optional<Session> sessionByExternalId(long agentId, String source, String externalId) {
        return capture().sessionByExternalId(agentId, source, externalId);
    }

    @Override
    public Session insertExternalSession(Agent agent, Long taskId, String source, String externalId,
                                         Instant startedAt) {
        return session(capture().insertExternalSession(agent, taskId, source, externalId, startedAt)).orElseThrow();
    }

    @Override
    public void reopenSession(long sessionId) {
        capture().reopenSession(sessionId);
    }

    @Override
    public void placeSession(long sessionId, String cwd, String gitBranch) {
        capture().placeSession(sessionId, cwd, gitBranch);
    }

    @Override
    public void addCapturedCost(long sessionId, long costMicros) {
        capture().addCapturedCost(sessionId, costMicros);
    }

    @Override
    public void addApiErrors(long sessionId, int count) {
        capture().addApiErrors(sessionId, count);
    }

    @Override
    public void addMetric(long sessionId, String seriesKey, long micros, boolean cumulative) {
        capture().addMetric(sessionId, seriesKey, micros, cumulative);
    }

    @Override
    public HookState hookState(long sessionId) {
        return capture().hookState(sessionId);
    }

    @Override
    public void saveHookState(long sessionId, HookState state) {
        capture().saveHookState(sessionId, state);
    }

    // dashboard and reports, in JdbiReportQueries

    @Override
    public List<Agent> agents(long teamId) {
        return new JdbiReportQueries(handle()).agents(teamId);
    }

    @Override
    public List<Session> teamSessions(long teamId, boolean active, Long beforeId, int limit) {
        return new JdbiReportQueries(handle()).teamSessions(teamId, active, beforeId, limit);
    }

    @Override
    public java.util.Map<Long, Session> sessionsById(java.util.Collection<Long> ids) {
        return new JdbiReportQueries(handle()).sessionsById(ids);
    }

    @Override
    public java.util.Map<Long, Integer> activeSessionCounts(long teamId) {
        return new JdbiReportQueries(handle()).activeSessionCounts(teamId);
    }

    @Override
    public List<dev.entourage.ledger.UsageEntry> sessionUsage(long sessionId, Long beforeId, int limit) {
        return new JdbiReportQueries(handle()).sessionUsage(sessionId, beforeId, limit);
    }

    @Override
    public void rollups(long teamId, List<Instant> edges, dev.entourage.ledger.RollupRow.Fields fields,
                        java.util.function.Consumer<dev.entourage.ledger.RollupRow> each) {
        new JdbiRollupQueries(sql()).rollups(teamId, edges, fields, each);
    }

    @Override
    public dev.entourage.ledger.events.ChangeMarker changeMarker(long usageAfter, long sessionsAfter, long closedFrom) {
        return new JdbiReportQueries(handle()).changeMarker(usageAfter, sessionsAfter, closedFrom);
    }

    @Override
    public long oldestActiveSessionId() {
        return new JdbiReportQueries(handle()).oldestActiveSessionId();
    }

    // access: the api_keys, users and secrets tables, in JdbiAccessQueries

    private JdbiAccessQueries accessQueries() {
        return new JdbiAccessQueries(this::handle, sql());
    }

    @Override
    public Optional<dev.entourage.ledger.access.ApiKey> apiKey(long id) {
        return accessQueries().apiKey(id);
    }

    @Override
    public Optional<dev.entourage.ledger.access.ApiKey> apiKeyByHash(String keyHash) {
        return accessQueries().apiKeyByHash(keyHash);
    }

    @Override
    public List<dev.entourage.ledger.access.ApiKey> apiKeys(long teamId) {
        return accessQueries().apiKeys(teamId);
    }

    @Override
    public Optional<dev.entourage.ledger.access.UserCredential> userByEmail(String email) {
        return accessQueries().userByEmail(email);
    }

    @Override
    public Optional<byte[]> secret(String name) {
        return accessQueries().secret(name);
    }

    @Override
    public dev.entourage.ledger.access.ApiKey insertApiKey(String keyHash, String prefix, String name,
                                                            dev.entourage.ledger.access.Role role, long teamId,
                                                            Long agentId, Instant createdAt) {
        return accessQueries().insertApiKey(keyHash, prefix, name, role, teamId, agentId, createdAt);
    }

    @Override
    public void revokeApiKey(long id, Instant revokedAt) {
        accessQueries().revokeApiKey(id, revokedAt);
    }

    @Override
    public boolean touchApiKey(long id, Instant usedAt) {
        return accessQueries().touchApiKey(id, usedAt);
    }

    @Override
    public dev.entourage.ledger.access.User insertUser(String email, String passwordHash,
                                                       dev.entourage.ledger.access.Role role, long teamId,
                                                       Instant createdAt) {
        return accessQueries().insertUser(email, passwordHash, role, teamId, createdAt);
    }

    @Override
    public void insertSecretIfAbsent(String name, byte[] value, Instant createdAt) {
        accessQueries().insertSecretIfAbsent(name, value, createdAt);
    }
}
