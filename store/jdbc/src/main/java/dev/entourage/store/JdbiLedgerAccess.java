package dev.entourage.store;

import dev.entourage.ledger.Action;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.BudgetHold;
import dev.entourage.ledger.BudgetSubject;
import dev.entourage.ledger.CostSource;
import dev.entourage.ledger.HoldStatus;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SessionCapture;
import dev.entourage.ledger.UsageLabels;
import dev.entourage.ledger.SessionQuery;
import dev.entourage.ledger.SessionStatus;
import dev.entourage.ledger.SpendKey;
import dev.entourage.ledger.StoredUsage;
import dev.entourage.ledger.Task;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageTotals;
import dev.entourage.ledger.pricing.ModelPrice;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/** The ledger's reads and writes as portable SQL over one Jdbi handle and its connection's statement cache. */
final class JdbiLedgerAccess extends JdbiDelegatedQueries {
    static final String SESSION_COLUMNS = "s.id, s.agent_id, a.name AS agent_name, s.team_id, s.task_id, "
            + "s.model, s.status, s.started_at, s.ended_at, s.input_tokens, s.output_tokens, "
            + "s.cache_creation_input_tokens, s.cache_read_input_tokens, s.cost_micros, s.stop_reason, s.stop_detail, "
            + "s.source, s.external_id, s.cwd, s.git_branch, s.api_errors, s.captured, s.metric_cost_micros, "
            + "s.captured_cost_micros "
            + "FROM sessions s JOIN agents a ON a.id = s.agent_id ";

    private final Supplier<Handle> handles;
    /** The statements of the hot paths (each usage report, check and authentication), compiled once. */
    private final PreparedCache sql;
    private Handle handle;
    private JdbiHoldQueries holds;
    private final SpendCounters counters;
    /** A writer batch's memory of what it read and deferred; null: every statement runs at once. */
    private final WriteBehind behind;

    /**
     * @param handles opens the Jdbi handle on the same connection as {@code sql}, on first need: the hot paths
     *                run on {@code sql} alone
     */
    @Override
    PreparedCache sql() {
        return sql;
    }

    JdbiLedgerAccess(Supplier<Handle> handles, PreparedCache sql) {
        this(handles, sql, new WrittenSpendCounters(sql), null);
    }

    /**
     * @param counters the spend counters as this unit sees them (a writer's batch may keep them in memory)
     * @param behind   a writer's batch: the usage rows and the additions to session totals are kept in its
     *                 {@link DeferredWrites}, and the sessions, agents, teams and tasks read are remembered until the
     *                 next statement that is not aside; null: none of that
     */
    JdbiLedgerAccess(Supplier<Handle> handles, PreparedCache sql, SpendCounters counters, WriteBehind behind) {
        this.handles = handles;
        this.sql = sql;
        this.counters = counters;
        this.behind = behind;
    }

    @Override
    Handle handle() {
        if (behind != null) {
            sql.flush();
        }
        if (handle == null) {
            handle = handles.get();
        }
        return handle;
    }

    // teams, agents and tasks, in JdbiSettingsQueries

    private JdbiSettingsQueries settings() {
        return new JdbiSettingsQueries(this::handle, sql);
    }

    @Override
    public Optional<Team> team(long id) {
        return behind == null ? settings().team(id) : behind.team(id, () -> settings().team(id));
    }

    @Override
    public Optional<Team> teamByName(String name) {
        return settings().teamByName(name);
    }

    @Override
    public List<Team> teams() {
        return settings().teams();
    }

    @Override
    public Team insertTeam(String name, Instant createdAt) {
        return settings().insertTeam(name, createdAt);
    }

    @Override
    public void updateTeam(Team team) {
        settings().updateTeam(team);
    }

    @Override
    public Optional<Agent> agent(long id) {
        return behind == null ? settings().agent(id) : behind.agent(id, () -> settings().agent(id));
    }

    @Override
    public Optional<Agent> agentByName(String name) {
        return settings().agentByName(name);
    }

    @Override
    public Agent insertAgent(String name, long teamId, Instant createdAt) {
        return settings().insertAgent(name, teamId, createdAt);
    }

    @Override
    public void updateAgent(Agent agent) {
        settings().updateAgent(agent);
    }

    @Override
    public Optional<Task> task(long id) {
        return behind == null ? settings().task(id) : behind.task(id, () -> settings().task(id));
    }

    @Override
    public Task insertTask(long teamId, NewTask task, Long budgetMicros, Instant createdAt) {
        return settings().insertTask(teamId, task, budgetMicros, createdAt);
    }

    @Override
    public Optional<Task> taskByTitle(long teamId, String title) {
        return settings().taskByTitle(teamId, title);
    }

    @Override
    public List<Task> tasks(long teamId) {
        return settings().tasks(teamId);
    }

    @Override
    public Optional<Session> session(long id) {
        return behind == null ? storedSession(id) : behind.session(id, () -> storedSession(id));
    }

    private Optional<Session> storedSession(long id) {
        return sql.one("SELECT " + SESSION_COLUMNS + "WHERE s.id = ?", JdbiLedgerAccess::session, id);
    }

    @Override
    public Optional<Session> latestActiveSession(long agentId) {
        return handle().createQuery("SELECT " + SESSION_COLUMNS
                        + "WHERE s.agent_id = :agent_id AND s.status = 'active' ORDER BY s.id DESC LIMIT 1")
                .bind("agent_id", agentId)
                .map((rs, ctx) -> session(rs)).findOne();
    }

    @Override
    public List<Session> sessions(long agentId, SessionQuery query) {
        Query select = handle().createQuery("SELECT " + SESSION_COLUMNS + "WHERE s.agent_id = :agent_id"
                        + (query.status() == null ? "" : " AND s.status = :status")
                        + (query.taskId() == null ? "" : " AND s.task_id = :task_id")
                        + (query.beforeId() == null ? "" : " AND s.id < :before_id")
                        + " ORDER BY s.id DESC LIMIT :limit")
                .bind("agent_id", agentId).bind("limit", query.limit());
        if (query.beforeId() != null) {
            select.bind("before_id", query.beforeId());
        }
        if (query.status() != null) {
            select.bind("status", query.status().wireName());
        }
        if (query.taskId() != null) {
            select.bind("task_id", query.taskId());
        }
        return select.map((rs, ctx) -> session(rs)).list();
    }

    /** A row of {@link #SESSION_COLUMNS}, read by position. */
    static Session session(ResultSet rs) throws SQLException {
        long endedAt = rs.getLong(9);
        boolean ended = !rs.wasNull();
        long taskId = rs.getLong(5);
        boolean noTask = rs.wasNull();
        return new Session(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), noTask ? null : taskId,
                rs.getString(6), SessionStatus.fromWire(rs.getString(7)), Instant.ofEpochMilli(rs.getLong(8)),
                ended ? Instant.ofEpochMilli(endedAt) : null,
                new UsageTotals(rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14)),
                rs.getString(15), rs.getString(16), new SessionCapture(rs.getString(17), rs.getString(18),
                rs.getString(19), rs.getString(20), rs.getLong(21), rs.getInt(22) != 0, Columns.nullableLong(rs, 23),
                rs.getLong(24)));
    }

    @Override
    public Session insertSession(Agent agent, Long taskId, String model, Instant startedAt) {
        long id = handle().createQuery("INSERT INTO sessions (agent_id, team_id, task_id, model, status, started_at) "
                        + "VALUES (:agent_id, :team_id, :task_id, :model, 'active', :started_at) RETURNING id")
                .bind("agent_id", agent.id()).bind("team_id", agent.teamId()).bind("task_id", taskId)
                .bind("model", model).bind("started_at", startedAt.toEpochMilli())
                .mapTo(Long.class).one();
        return session(id).orElseThrow();
    }

    @Override
    public void endSession(long sessionId, SessionStatus status, Instant endedAt, String stopReason,
                           String stopDetail) {
        handle().createUpdate("UPDATE sessions SET status = :status, ended_at = :ended_at, "
                        + "stop_reason = COALESCE(stop_reason, :reason), stop_detail = :detail WHERE id = :id")
                .bind("status", status.wireName()).bind("ended_at", endedAt.toEpochMilli())
                .bind("reason", stopReason).bind("detail", stopDetail).bind("id", sessionId)
                .execute();
    }

    @Override
    public void recordStop(long sessionId, String stopReason) {
        sql.update("UPDATE sessions SET stop_reason = ? WHERE id = ? AND stop_reason IS NULL", stopReason, sessionId);
    }

    @Override
    public void addToSession(long sessionId, TokenCounts tokens, long costMicros) {
        if (behind != null) {
            behind.addToSession(sessionId, tokens, costMicros);
        } else {
            addToStoredSession(sessionId, tokens, costMicros);
        }
    }

    private void addToStoredSession(long sessionId, TokenCounts tokens, long costMicros) {
        sql.update("UPDATE sessions SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ?, "
                        + "cache_creation_input_tokens = cache_creation_input_tokens + ?, "
                        + "cache_read_input_tokens = cache_read_input_tokens + ?, cost_micros = cost_micros + ? "
                        + "WHERE id = ?",
                tokens.input(), tokens.output(), tokens.cacheCreation(), tokens.cacheRead(), costMicros, sessionId);
    }

    @Override
    public long spent(SpendKey key) {
        return counters.spent(key);
    }

    @Override
    public Map<SpendKey, Long> spentAll(List<SpendKey> keys) {
        return counters.spentAll(keys);
    }

    @Override
    public long addSpend(SpendKey key, long micros) {
        return counters.add(key, micros);
    }

    @Override
    public Map<SpendKey, Long> addSpendAll(List<SpendKey> keys, long micros) {
        return counters.addAll(keys, micros);
    }

    @Override
    public Optional<StoredUsage> usageByEventId(long agentId, String eventId) {
        return behind == null ? storedUsage(agentId, eventId)
                : behind.usage(agentId, eventId, () -> storedUsage(agentId, eventId));
    }

    private Optional<StoredUsage> storedUsage(long agentId, String eventId) {
        return sql.one("SELECT * FROM usage_events WHERE agent_id = ? AND event_id = ?", JdbiLedgerAccess::usage,
                agentId, eventId);
    }

    static StoredUsage usage(ResultSet rs) throws SQLException {
        String priceId = rs.getString("price_id");
        ModelPrice price = priceId == null ? null : new ModelPrice(priceId, rs.getInt("price_prefix") != 0,
                rs.getLong("price_input"), rs.getLong("price_output"), rs.getLong("price_cache_write_5m"),
                rs.getLong("price_cache_write_1h"), rs.getLong("price_cache_read"));
        TokenCounts tokens = new TokenCounts(rs.getLong("input_tokens"), rs.getLong("output_tokens"),
                rs.getLong("cache_creation_input_tokens"), rs.getLong("cache_creation_1h_input_tokens"),
                rs.getLong("cache_read_input_tokens"));
        return new StoredUsage(rs.getString("event_id"), rs.getLong("session_id"), rs.getLong("agent_id"),
                rs.getLong("team_id"), Columns.nullableLong(rs, "task_id"), rs.getString("model"), tokens,
                rs.getLong("cost_micros"), CostSource.fromWire(rs.getString("cost_source")), price,
                rs.getString("fingerprint"), Action.fromWire(rs.getString("action")), rs.getString("stop_reason"),
                Instant.ofEpochMilli(rs.getLong("reported_at")), new UsageLabels(rs.getString("speed"),
                rs.getString("query_source"), rs.getString("subagent"), Columns.nullableLong(rs, "priced_cost_micros"),
                rs.getString("service_tier"), rs.getString("inference_geo")),
                rs.getInt("claim") != 0);
    }

    @Override
    public void insertUsage(StoredUsage usage) {
        if (behind != null) {
            behind.insertUsage(usage);
        } else {
            insertStoredUsage(usage);
        }
    }

    /** The columns of a usage row as written, in the order of {@link #usageValues}. */
    static final String USAGE_COLUMNS = "event_id, session_id, agent_id, team_id, task_id, model, "
            + "input_tokens, output_tokens, cache_creation_input_tokens, cache_creation_1h_input_tokens, "
            + "cache_read_input_tokens, cost_micros, cost_source, price_id, price_prefix, price_input, "
            + "price_output, price_cache_write_5m, price_cache_write_1h, price_cache_read, fingerprint, "
            + "action, stop_reason, reported_at, speed, query_source, subagent, priced_cost_micros, claim, "
            + "service_tier, inference_geo";

    /** The values of a usage row's {@link #USAGE_COLUMNS}: strings, longs and integers, nulls where there is none. */
    static Object[] usageValues(StoredUsage usage) {
        ModelPrice price = usage.price();
        TokenCounts tokens = usage.tokens();
        return new Object[] {usage.eventId(), usage.sessionId(), usage.agentId(), usage.teamId(), usage.taskId(),
                usage.model(), tokens.input(), tokens.output(), tokens.cacheCreation(), tokens.cacheCreation1h(),
                tokens.cacheRead(), usage.costMicros(), usage.costSource().wireName(),
                price == null ? null : price.id(), price == null ? null : price.prefix() ? 1 : 0,
                price == null ? null : price.inputPerMtok(), price == null ? null : price.outputPerMtok(),
                price == null ? null : price.cacheWrite5mPerMtok(), price == null ? null : price.cacheWrite1hPerMtok(),
                price == null ? null : price.cacheReadPerMtok(),
                usage.fingerprint(), usage.action().wireName(), usage.stopReason(), usage.reportedAt().toEpochMilli(),
                usage.labels().speed(), usage.labels().querySource(), usage.labels().subagent(),
                usage.labels().pricedCostMicros(), usage.claim() ? 1 : 0, usage.labels().serviceTier(),
                usage.labels().inferenceGeo()};
    }

    private void insertStoredUsage(StoredUsage usage) {
        sql.update("INSERT INTO usage_events (" + USAGE_COLUMNS + ") "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                usageValues(usage));
        if (!usage.claim()) {
            JdbiRollupQueries.add(sql, usage);
        }
    }

    // holds, in JdbiHoldQueries (one per transaction: it remembers whether any hold is open)

    private JdbiHoldQueries holds() {
        if (holds == null) {
            holds = new JdbiHoldQueries(sql, null);
        }
        return holds;
    }

    /** Tells this transaction whether any hold is open, read already (a writer's batch reads it with its lock). */
    void knowOpenHolds(boolean anyOpenHold) {
        holds = new JdbiHoldQueries(sql, anyOpenHold);
    }

    @Override
    public long held(BudgetSubject subject, long subjectId, Instant now) {
        return onHolds(holds -> holds.held(subject, subjectId, now));
    }

    @Override
    public Map<BudgetSubject, Long> heldAll(Map<BudgetSubject, Long> subjectIds, Instant now) {
        return onHolds(holds -> holds.heldAll(subjectIds, now));
    }

    @Override
    public Optional<BudgetHold> hold(String holdId) {
        return onHolds(holds -> holds.hold(holdId));
    }

    @Override
    public void insertHold(BudgetHold hold) {
        onHolds(holds -> {
            holds.insertHold(hold);
            return null;
        });
    }

    @Override
    public void closeHold(String holdId, HoldStatus status, Instant closedAt, String eventId) {
        onHolds(holds -> {
            holds.closeHold(holdId, status, closedAt, eventId);
            return null;
        });
    }

    @Override
    public int releaseSessionHolds(long sessionId, Instant now) {
        return onHolds(holds -> holds.releaseSessionHolds(sessionId, now));
    }

    @Override
    public int expireHolds(long teamId, Instant now) {
        return onHolds(holds -> holds.expireHolds(teamId, now));
    }

    /**
     * Runs hold statements: they read and write {@code budget_holds} alone, which nothing deferred touches, so in a
     * writer's batch they run aside (without sending the deferred writes first).
     */
    private <T> T onHolds(java.util.function.Function<JdbiHoldQueries, T> work) {
        return behind == null ? work.apply(holds()) : sql.aside(() -> work.apply(holds()));
    }

    @Override
    public long spentBetween(long teamId, Long agentId, Instant from, Instant to) {
        String sum = "SELECT COALESCE(SUM(cost_micros), 0) FROM usage_events WHERE team_id = ? "
                + "AND reported_at >= ? AND reported_at < ? AND claim = 0";
        return agentId == null ? sql.number(sum, 0, teamId, from.toEpochMilli(), to.toEpochMilli())
                : sql.number(sum + " AND agent_id = ?", 0, teamId, from.toEpochMilli(), to.toEpochMilli(), agentId);
    }

    @Override
    public long sessionSpentSince(long sessionId, Instant since) {
        return sql.number("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_events "
                + "WHERE session_id = ? AND reported_at > ? AND claim = 0", 0, sessionId, since.toEpochMilli());
    }

    // alerts, in JdbiAlertQueries

    private JdbiAlertQueries alertQueries() {
        return new JdbiAlertQueries(this::handle, sql);
    }

    @Override
    public List<dev.entourage.ledger.Alert> alerts(long teamId, int limit) {
        return alertQueries().alerts(teamId, limit);
    }

    @Override
    public List<dev.entourage.ledger.Alert> dueAlerts(Instant now, int maxAttempts, int limit) {
        return alertQueries().dueAlerts(now, maxAttempts, limit);
    }

    @Override
    public Optional<dev.entourage.ledger.Alert> insertAlert(dev.entourage.ledger.Alert a, Instant nextAttemptAt) {
        return alertQueries().insertAlert(a, nextAttemptAt);
    }

    @Override
    public boolean claimAlert(long alertId, Instant now, Instant leaseUntil) {
        return alertQueries().claimAlert(alertId, now, leaseUntil);
    }

    @Override
    public void recordAlertAttempt(long alertId, Instant deliveredAt, Instant nextAttemptAt, String error) {
        alertQueries().recordAlertAttempt(alertId, deliveredAt, nextAttemptAt, error);
    }
}
