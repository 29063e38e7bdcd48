package dev.entourage.store;

import dev.entourage.ledger.Action;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.BudgetHold;
import dev.entourage.ledger.BudgetSubject;
import dev.entourage.ledger.CostSource;
import dev.entourage.ledger.HoldStatus;
import dev.entourage.ledger.LedgerWriter;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.Scope;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SessionQuery;
import dev.entourage.ledger.SessionStatus;
import dev.entourage.ledger.SpendKey;
import dev.entourage.ledger.StoredUsage;
import dev.entourage.ledger.Task;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageLine;
import dev.entourage.ledger.UsageTotals;
import dev.entourage.ledger.pricing.ModelPrice;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/** The ledger's reads and writes as portable SQL over one Jdbi handle (SQLite now, PostgreSQL later). */
final class JdbiLedgerAccess implements LedgerWriter {
    private static final String LINE = "\n";
    /** The columns {@link #team(ResultSet)} reads, by position. */
    private static final String TEAM_COLUMNS = "id, name, daily_limit_micros, timezone, paused, task_type_budgets, "
            + "created_at, alert_thresholds, alert_webhook_url, max_session_rate_micros, weekly_limit_micros, "
            + "monthly_limit_micros, max_session_cost_micros, task_type_session_budgets";
    /** The columns {@link #agent(ResultSet)} reads, by position. */
    static final String AGENT_COLUMNS = "id, name, team_id, daily_limit_micros, paused, created_at, "
            + "weekly_limit_micros, monthly_limit_micros";
    static final String SESSION_COLUMNS = "s.id, s.agent_id, a.name AS agent_name, s.team_id, s.task_id, "
            + "s.model, s.status, s.started_at, s.ended_at, s.input_tokens, s.output_tokens, "
            + "s.cache_creation_input_tokens, s.cache_read_input_tokens, s.cost_micros, s.stop_reason, s.stop_detail "
            + "FROM sessions s JOIN agents a ON a.id = s.agent_id ";

    private final Supplier<Handle> handles;
    /** The statements of the hot paths (each usage report, check and authentication), compiled once. */
    private final PreparedCache sql;
    private Handle handle;
    /** Whether any hold is open, asked once per transaction: most ledgers have none, and then nothing is summed. */
    private Boolean anyOpenHold;
    /** Counter values this transaction wrote, from {@code RETURNING}: read back without another query. */
    private final Map<SpendKey, Long> spentWritten = new HashMap<>();

    /**
     * @param handles opens the Jdbi handle on the same connection as {@code sql}, on first need: the hot paths
     *                run on {@code sql} alone
     */
    JdbiLedgerAccess(Supplier<Handle> handles, PreparedCache sql) {
        this.handles = handles;
        this.sql = sql;
    }

    private Handle handle() {
        if (handle == null) {
            handle = handles.get();
        }
        return handle;
    }

    @Override
    public Optional<Team> team(long id) {
        return sql.one("SELECT " + TEAM_COLUMNS + " FROM teams WHERE id = ?", JdbiLedgerAccess::team, id);
    }

    @Override
    public Optional<Team> teamByName(String name) {
        return handle().createQuery("SELECT " + TEAM_COLUMNS + " FROM teams WHERE name = :name").bind("name", name)
                .map((rs, ctx) -> team(rs)).findOne();
    }

    @Override
    public List<Team> teams() {
        return handle().createQuery("SELECT " + TEAM_COLUMNS + " FROM teams ORDER BY id")
                .map((rs, ctx) -> team(rs)).list();
    }

    private static Team team(ResultSet rs) throws SQLException {
        Map<String, Long> budgets = byType(rs.getString(6));
        List<Integer> thresholds = new java.util.ArrayList<>();
        for (String part : rs.getString(8).split(",")) {
            if (!part.isBlank()) {
                thresholds.add(Integer.parseInt(part.strip()));
            }
        }
        return new Team(rs.getLong(1), rs.getString(2), nullableLong(rs, 3), ZoneId.of(rs.getString(4)),
                rs.getInt(5) != 0, budgets, Instant.ofEpochMilli(rs.getLong(7)), thresholds, rs.getString(9),
                nullableLong(rs, 10), nullableLong(rs, 11), nullableLong(rs, 12), nullableLong(rs, 13),
                byType(rs.getString(14)));
    }

    /** A map by task type, stored one {@code type=micros} per line. */
    private static Map<String, Long> byType(String text) {
        Map<String, Long> budgets = new HashMap<>();
        for (String line : text.split(LINE)) {
            int equals = line.lastIndexOf('=');
            if (equals > 0) {
                budgets.put(line.substring(0, equals), Long.parseLong(line.substring(equals + 1)));
            }
        }
        return budgets;
    }

    private static String byType(Map<String, Long> budgets) {
        return budgets.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(LINE));
    }

    @Override
    public Team insertTeam(String name, Instant createdAt) {
        long id = handle().createQuery("INSERT INTO teams (name, timezone, paused, created_at) "
                        + "VALUES (:name, 'UTC', 0, :created_at) RETURNING id")
                .bind("name", name).bind("created_at", createdAt.toEpochMilli())
                .mapTo(Long.class).one();
        return team(id).orElseThrow();
    }

    @Override
    public void updateTeam(Team team) {
        handle().createUpdate("UPDATE teams SET daily_limit_micros = :limit, timezone = :zone, paused = :paused, "
                        + "task_type_budgets = :budgets, alert_thresholds = :thresholds, alert_webhook_url = :url, "
                        + "max_session_rate_micros = :rate, weekly_limit_micros = :weekly, "
                        + "monthly_limit_micros = :monthly, max_session_cost_micros = :session_cap, "
                        + "task_type_session_budgets = :session_budgets WHERE id = :id")
                .bind("weekly", team.weeklyLimitMicros()).bind("monthly", team.monthlyLimitMicros())
                .bind("session_cap", team.maxSessionCostMicros())
                .bind("session_budgets", byType(team.taskTypeSessionBudgets()))
                .bind("thresholds", team.alertThresholds().stream().map(String::valueOf)
                        .collect(Collectors.joining(",")))
                .bind("url", team.alertWebhookUrl()).bind("rate", team.maxSessionRateMicros())
                .bind("limit", team.dailyLimitMicros()).bind("zone", team.zone().getId())
                .bind("paused", team.paused() ? 1 : 0).bind("budgets", byType(team.taskTypeBudgets()))
                .bind("id", team.id())
                .execute();
    }

    @Override
    public Optional<Agent> agent(long id) {
        return sql.one("SELECT " + AGENT_COLUMNS + " FROM agents WHERE id = ?", JdbiLedgerAccess::agent, id);
    }

    @Override
    public Optional<Agent> agentByName(String name) {
        return handle().createQuery("SELECT " + AGENT_COLUMNS + " FROM agents WHERE name = :name").bind("name", name)
                .map((rs, ctx) -> agent(rs)).findOne();
    }

    static Agent agent(ResultSet rs) throws SQLException {
        return new Agent(rs.getLong(1), rs.getString(2), rs.getLong(3), nullableLong(rs, 4), rs.getInt(5) != 0,
                Instant.ofEpochMilli(rs.getLong(6)), nullableLong(rs, 7), nullableLong(rs, 8));
    }

    @Override
    public Agent insertAgent(String name, long teamId, Instant createdAt) {
        long id = handle().createQuery("INSERT INTO agents (name, team_id, paused, created_at) "
                        + "VALUES (:name, :team_id, 0, :created_at) RETURNING id")
                .bind("name", name).bind("team_id", teamId).bind("created_at", createdAt.toEpochMilli())
                .mapTo(Long.class).one();
        return agent(id).orElseThrow();
    }

    @Override
    public void updateAgent(Agent agent) {
        handle().createUpdate("UPDATE agents SET team_id = :team_id, daily_limit_micros = :limit, paused = :paused, "
                        + "weekly_limit_micros = :weekly, monthly_limit_micros = :monthly WHERE id = :id")
                .bind("weekly", agent.weeklyLimitMicros()).bind("monthly", agent.monthlyLimitMicros())
                .bind("team_id", agent.teamId()).bind("limit", agent.dailyLimitMicros())
                .bind("paused", agent.paused() ? 1 : 0).bind("id", agent.id())
                .execute();
    }

    @Override
    public Optional<Task> task(long id) {
        return sql.one("SELECT * FROM tasks WHERE id = ?", JdbiLedgerAccess::task, id);
    }

    private static Task task(ResultSet rs) throws SQLException {
        return new Task(rs.getLong("id"), rs.getLong("team_id"), rs.getString("title"), rs.getString("priority"),
                rs.getString("task_type"), tags(rs.getString("tags")), nullableLong(rs, "budget_micros"),
                Instant.ofEpochMilli(rs.getLong("created_at")));
    }

    private static List<String> tags(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(LINE));
    }

    @Override
    public Task insertTask(long teamId, NewTask task, Long budgetMicros, Instant createdAt) {
        long id = handle().createQuery("INSERT INTO tasks (team_id, title, priority, task_type, tags, budget_micros, "
                        + "created_at) VALUES (:team_id, :title, :priority, :task_type, :tags, :budget, :created_at) "
                        + "RETURNING id")
                .bind("team_id", teamId).bind("title", task.title()).bind("priority", task.priority())
                .bind("task_type", task.taskType()).bind("tags", String.join(LINE, task.tags()))
                .bind("budget", budgetMicros).bind("created_at", createdAt.toEpochMilli())
                .mapTo(Long.class).one();
        return task(id).orElseThrow();
    }

    @Override
    public List<Task> tasks(long teamId) {
        return handle().createQuery("SELECT id FROM tasks WHERE team_id = :team_id ORDER BY id DESC")
                .bind("team_id", teamId).mapTo(Long.class).list().stream()
                .map(id -> task(id).orElseThrow())
                .toList();
    }

    @Override
    public List<UsageLine> usageBetween(long teamId, Instant from, Instant to) {
        return handle().createQuery("SELECT session_id, agent_id, task_id, model, SUM(input_tokens) AS input, "
                        + "SUM(output_tokens) AS output, SUM(cache_creation_input_tokens) AS cache_creation, "
                        + "SUM(cache_read_input_tokens) AS cache_read, SUM(cost_micros) AS cost FROM usage_events "
                        + "WHERE team_id = :team_id AND reported_at >= :from AND reported_at < :to "
                        + "GROUP BY session_id, agent_id, task_id, model ORDER BY session_id, model")
                .bind("team_id", teamId).bind("from", from.toEpochMilli()).bind("to", to.toEpochMilli())
                .map((rs, ctx) -> new UsageLine(rs.getLong("session_id"), rs.getLong("agent_id"),
                        nullableLong(rs, "task_id"), rs.getString("model"), rs.getLong("input"), rs.getLong("output"),
                        rs.getLong("cache_creation"), rs.getLong("cache_read"), rs.getLong("cost")))
                .list();
    }

    @Override
    public Optional<Session> session(long id) {
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
                        + " ORDER BY s.id DESC LIMIT :limit")
                .bind("agent_id", agentId).bind("limit", query.limit());
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
                rs.getString(15), rs.getString(16));
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
        sql.update("UPDATE sessions SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ?, "
                        + "cache_creation_input_tokens = cache_creation_input_tokens + ?, "
                        + "cache_read_input_tokens = cache_read_input_tokens + ?, cost_micros = cost_micros + ? "
                        + "WHERE id = ?",
                tokens.input(), tokens.output(), tokens.cacheCreation(), tokens.cacheRead(), costMicros, sessionId);
    }

    @Override
    public long spent(SpendKey key) {
        Long written = spentWritten.get(key);
        if (written != null) {
            return written;
        }
        return sql.number("SELECT spent_micros FROM spend_counters WHERE scope = ? AND scope_id = ? AND window_key = ?",
                0, key.scope().wireName(), key.scopeId(), key.window());
    }

    @Override
    public long addSpend(SpendKey key, long micros) {
        long total = sql.one("INSERT INTO spend_counters (scope, scope_id, window_key, spent_micros) "
                        + "VALUES (?, ?, ?, ?) ON CONFLICT (scope, scope_id, window_key) "
                        + "DO UPDATE SET spent_micros = spend_counters.spent_micros + excluded.spent_micros "
                        + "RETURNING spent_micros",
                rs -> rs.getLong(1), key.scope().wireName(), key.scopeId(), key.window(), micros).orElseThrow();
        spentWritten.put(key, total);
        return total;
    }

    @Override
    public Optional<StoredUsage> usageByEventId(String eventId) {
        return sql.one("SELECT * FROM usage_events WHERE event_id = ?", JdbiLedgerAccess::usage, eventId);
    }

    private static StoredUsage usage(ResultSet rs) throws SQLException {
        String priceId = rs.getString("price_id");
        ModelPrice price = priceId == null ? null : new ModelPrice(priceId, rs.getInt("price_prefix") != 0,
                rs.getLong("price_input"), rs.getLong("price_output"), rs.getLong("price_cache_write_5m"),
                rs.getLong("price_cache_write_1h"), rs.getLong("price_cache_read"));
        TokenCounts tokens = new TokenCounts(rs.getLong("input_tokens"), rs.getLong("output_tokens"),
                rs.getLong("cache_creation_input_tokens"), rs.getLong("cache_creation_1h_input_tokens"),
                rs.getLong("cache_read_input_tokens"));
        return new StoredUsage(rs.getString("event_id"), rs.getLong("session_id"), rs.getLong("agent_id"),
                rs.getLong("team_id"), nullableLong(rs, "task_id"), rs.getString("model"), tokens,
                rs.getLong("cost_micros"), CostSource.fromWire(rs.getString("cost_source")), price,
                rs.getString("fingerprint"), Action.fromWire(rs.getString("action")), rs.getString("stop_reason"),
                Instant.ofEpochMilli(rs.getLong("reported_at")));
    }

    @Override
    public void insertUsage(StoredUsage usage) {
        ModelPrice price = usage.price();
        TokenCounts tokens = usage.tokens();
        sql.update("INSERT INTO usage_events (event_id, session_id, agent_id, team_id, task_id, model, "
                        + "input_tokens, output_tokens, cache_creation_input_tokens, cache_creation_1h_input_tokens, "
                        + "cache_read_input_tokens, cost_micros, cost_source, price_id, price_prefix, price_input, "
                        + "price_output, price_cache_write_5m, price_cache_write_1h, price_cache_read, fingerprint, "
                        + "action, stop_reason, reported_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                usage.eventId(), usage.sessionId(), usage.agentId(), usage.teamId(), usage.taskId(), usage.model(),
                tokens.input(), tokens.output(), tokens.cacheCreation(), tokens.cacheCreation1h(), tokens.cacheRead(),
                usage.costMicros(), usage.costSource().wireName(),
                price == null ? null : price.id(), price == null ? null : price.prefix() ? 1 : 0,
                price == null ? null : price.inputPerMtok(), price == null ? null : price.outputPerMtok(),
                price == null ? null : price.cacheWrite5mPerMtok(), price == null ? null : price.cacheWrite1hPerMtok(),
                price == null ? null : price.cacheReadPerMtok(),
                usage.fingerprint(), usage.action().wireName(), usage.stopReason(), usage.reportedAt().toEpochMilli());
    }

    @Override
    public long held(BudgetSubject subject, long subjectId, Instant now) {
        if (!anyOpenHold()) {
            return 0;
        }
        String column = switch (subject) {
            case AGENT -> "agent_id";
            case TEAM -> "team_id";
            case TASK -> "task_id";
            case SESSION -> "session_id";
        };
        return sql.number("SELECT COALESCE(SUM(amount_micros), 0) FROM budget_holds WHERE " + column
                + " = ? AND status = 'held' AND expires_at > ?", 0, subjectId, now.toEpochMilli());
    }

    private boolean anyOpenHold() {
        if (anyOpenHold == null) {
            anyOpenHold = sql.number("SELECT EXISTS (SELECT 1 FROM budget_holds WHERE status = 'held')", 0) != 0;
        }
        return anyOpenHold;
    }

    @Override
    public Optional<BudgetHold> hold(String holdId) {
        return handle().createQuery("SELECT * FROM budget_holds WHERE hold_id = :id").bind("id", holdId)
                .map((rs, ctx) -> {
                    Long closedAt = nullableLong(rs, "closed_at");
                    return new BudgetHold(rs.getString("hold_id"), rs.getLong("agent_id"), rs.getLong("team_id"),
                            nullableLong(rs, "task_id"), nullableLong(rs, "session_id"), rs.getLong("amount_micros"),
                            Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("expires_at")),
                            HoldStatus.fromWire(rs.getString("status")),
                            closedAt == null ? null : Instant.ofEpochMilli(closedAt), rs.getString("event_id"));
                })
                .findOne();
    }

    @Override
    public void insertHold(BudgetHold hold) {
        anyOpenHold = Boolean.TRUE;
        handle().createUpdate("INSERT INTO budget_holds (hold_id, agent_id, team_id, task_id, session_id, amount_micros, "
                        + "status, created_at, expires_at, closed_at, event_id) VALUES (:id, :agent_id, :team_id, "
                        + ":task_id, :session_id, :amount, :status, :created_at, :expires_at, :closed_at, :event_id)")
                .bind("id", hold.id()).bind("agent_id", hold.agentId()).bind("team_id", hold.teamId())
                .bind("task_id", hold.taskId()).bind("session_id", hold.sessionId())
                .bind("amount", hold.amountMicros()).bind("status", hold.status().wireName())
                .bind("created_at", hold.createdAt().toEpochMilli()).bind("expires_at", hold.expiresAt().toEpochMilli())
                .bind("closed_at", hold.closedAt() == null ? null : hold.closedAt().toEpochMilli())
                .bind("event_id", hold.eventId())
                .execute();
    }

    @Override
    public void closeHold(String holdId, HoldStatus status, Instant closedAt, String eventId) {
        handle().createUpdate("UPDATE budget_holds SET status = :status, closed_at = :closed_at, event_id = :event_id "
                        + "WHERE hold_id = :id AND status = 'held'")
                .bind("status", status.wireName()).bind("closed_at", closedAt.toEpochMilli())
                .bind("event_id", eventId).bind("id", holdId)
                .execute();
    }

    @Override
    public int expireHolds(long teamId, Instant now) {
        if (!anyOpenHold()) {
            return 0;
        }
        return sql.update("UPDATE budget_holds SET status = 'expired', closed_at = expires_at "
                + "WHERE team_id = ? AND status = 'held' AND expires_at <= ?", teamId, now.toEpochMilli());
    }

    @Override
    public long sessionSpentSince(long sessionId, Instant since) {
        return sql.number("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_events "
                + "WHERE session_id = ? AND reported_at > ?", 0, sessionId, since.toEpochMilli());
    }

    private static final String ALERT_COLUMNS = "l.*, t.name AS team_name FROM alerts l JOIN teams t ON t.id = l.team_id ";

    @Override
    public List<dev.entourage.ledger.Alert> alerts(long teamId, int limit) {
        return handle().createQuery("SELECT " + ALERT_COLUMNS + "WHERE l.team_id = :team_id ORDER BY l.id DESC "
                        + "LIMIT :limit")
                .bind("team_id", teamId).bind("limit", limit)
                .map((rs, ctx) -> alert(rs)).list();
    }

    @Override
    public List<dev.entourage.ledger.Alert> dueAlerts(Instant now, int maxAttempts, int limit) {
        return handle().createQuery("SELECT " + ALERT_COLUMNS + "WHERE l.delivered_at IS NULL "
                        + "AND l.next_attempt_at <= :now AND l.attempts < :max AND t.alert_webhook_url IS NOT NULL "
                        + "ORDER BY l.id LIMIT :limit")
                .bind("now", now.toEpochMilli()).bind("max", maxAttempts).bind("limit", limit)
                .map((rs, ctx) -> alert(rs)).list();
    }

    private static dev.entourage.ledger.Alert alert(ResultSet rs) throws SQLException {
        Long deliveredAt = nullableLong(rs, "delivered_at");
        String scope = rs.getString("scope");
        Scope parsed = java.util.Arrays.stream(Scope.values()).filter(s -> s.wireName().equals(scope)).findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown alert scope " + scope));
        return new dev.entourage.ledger.Alert(rs.getLong("id"), rs.getLong("team_id"), rs.getString("team_name"),
                parsed, rs.getLong("scope_id"), rs.getString("window_key"), rs.getInt("threshold_percent"),
                rs.getLong("limit_micros"), rs.getLong("spent_micros"), rs.getLong("agent_id"),
                rs.getString("agent_name"), nullableLong(rs, "task_id"), rs.getLong("session_id"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                deliveredAt == null ? null : Instant.ofEpochMilli(deliveredAt), rs.getInt("attempts"));
    }

    @Override
    public Optional<dev.entourage.ledger.Alert> insertAlert(dev.entourage.ledger.Alert a, Instant nextAttemptAt) {
        return handle().createQuery("INSERT INTO alerts (team_id, scope, scope_id, window_key, threshold_percent, "
                        + "limit_micros, spent_micros, agent_id, agent_name, task_id, session_id, created_at, "
                        + "attempts, next_attempt_at) VALUES (:team_id, :scope, :scope_id, :window, :threshold, "
                        + ":limit, :spent, :agent_id, :agent_name, :task_id, :session_id, :created_at, 0, :next) "
                        + "ON CONFLICT (scope, scope_id, window_key, threshold_percent) DO NOTHING RETURNING id")
                .bind("team_id", a.teamId()).bind("scope", a.scope().wireName()).bind("scope_id", a.scopeId())
                .bind("window", a.window()).bind("threshold", a.thresholdPercent()).bind("limit", a.limitMicros())
                .bind("spent", a.spentMicros()).bind("agent_id", a.agentId()).bind("agent_name", a.agentName())
                .bind("task_id", a.taskId()).bind("session_id", a.sessionId())
                .bind("created_at", a.createdAt().toEpochMilli()).bind("next", nextAttemptAt.toEpochMilli())
                .mapTo(Long.class).findOne()
                .map(a::withId);
    }

    @Override
    public boolean claimAlert(long alertId, Instant now, Instant leaseUntil) {
        return handle().createUpdate("UPDATE alerts SET next_attempt_at = :lease WHERE id = :id "
                        + "AND delivered_at IS NULL AND next_attempt_at <= :now")
                .bind("lease", leaseUntil.toEpochMilli()).bind("id", alertId).bind("now", now.toEpochMilli())
                .execute() == 1;
    }

    @Override
    public void recordAlertAttempt(long alertId, Instant deliveredAt, Instant nextAttemptAt, String error) {
        handle().createUpdate("UPDATE alerts SET attempts = attempts + 1, delivered_at = :delivered, "
                        + "next_attempt_at = :next, last_error = :error WHERE id = :id AND delivered_at IS NULL")
                .bind("delivered", deliveredAt == null ? null : deliveredAt.toEpochMilli())
                .bind("next", nextAttemptAt.toEpochMilli()).bind("error", error).bind("id", alertId)
                .execute();
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    // dashboard and reports, in JdbiReportQueries

    @Override
    public List<Agent> agents(long teamId) {
        return new JdbiReportQueries(handle()).agents(teamId);
    }

    @Override
    public List<Session> teamSessions(long teamId, boolean active, int limit) {
        return new JdbiReportQueries(handle()).teamSessions(teamId, active, limit);
    }

    @Override
    public List<dev.entourage.ledger.UsageSlot> usageSlots(long teamId, Instant from, Instant to) {
        return new JdbiReportQueries(handle()).usageSlots(teamId, from, to);
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
        return new JdbiAccessQueries(this::handle, sql);
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
