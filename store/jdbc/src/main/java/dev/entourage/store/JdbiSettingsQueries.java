package dev.entourage.store;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.AgentDefaults;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.Task;
import dev.entourage.ledger.Team;
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

/**
 * The settings tables ({@code teams}, {@code agents}, {@code tasks}) over one Jdbi handle and the hot-path statement
 * cache; {@link JdbiLedgerAccess} delegates to it.
 */
final class JdbiSettingsQueries {
    private static final String LINE = "\n";
    /** The columns {@link #team(ResultSet)} reads, by position. */
    static final String TEAM_COLUMNS = "id, name, daily_limit_micros, timezone, paused, task_type_budgets, "
            + "created_at, alert_thresholds, alert_webhook_url, max_session_rate_micros, weekly_limit_micros, "
            + "monthly_limit_micros, max_session_cost_micros, task_type_session_budgets, "
            + "default_agent_daily_limit_micros, default_agent_weekly_limit_micros, "
            + "default_agent_monthly_limit_micros, strict_agents, max_repeated_tool_calls, refuse_unpriced_models";
    /** The columns {@link #agent(ResultSet)} reads, by position. */
    static final String AGENT_COLUMNS = "id, name, team_id, daily_limit_micros, paused, created_at, "
            + "weekly_limit_micros, monthly_limit_micros";

    private final Supplier<Handle> handles;
    private final PreparedCache sql;

    JdbiSettingsQueries(Supplier<Handle> handles, PreparedCache sql) {
        this.handles = handles;
        this.sql = sql;
    }

    Optional<Team> team(long id) {
        return sql.one("SELECT " + TEAM_COLUMNS + " FROM teams WHERE id = ?", JdbiSettingsQueries::team, id);
    }

    Optional<Team> teamByName(String name) {
        return handles.get().createQuery("SELECT " + TEAM_COLUMNS + " FROM teams WHERE name = :name").bind("name", name)
                .map((rs, ctx) -> team(rs)).findOne();
    }

    List<Team> teams() {
        return handles.get().createQuery("SELECT " + TEAM_COLUMNS + " FROM teams ORDER BY id")
                .map((rs, ctx) -> team(rs)).list();
    }

    static Team team(ResultSet rs) throws SQLException {
        Map<String, Long> budgets = byType(rs.getString(6));
        List<Integer> thresholds = new java.util.ArrayList<>();
        for (String part : rs.getString(8).split(",")) {
            if (!part.isBlank()) {
                thresholds.add(Integer.parseInt(part.strip()));
            }
        }
        return new Team(rs.getLong(1), rs.getString(2), Columns.nullableLong(rs, 3), ZoneId.of(rs.getString(4)),
                rs.getInt(5) != 0, budgets, Instant.ofEpochMilli(rs.getLong(7)), thresholds, rs.getString(9),
                Columns.nullableLong(rs, 10), Columns.nullableLong(rs, 11), Columns.nullableLong(rs, 12), Columns.nullableLong(rs, 13),
                byType(rs.getString(14)), new AgentDefaults(Columns.nullableLong(rs, 15), Columns.nullableLong(rs, 16),
                Columns.nullableLong(rs, 17), rs.getInt(18) != 0), repeats(rs), rs.getInt(20) != 0);
    }

    private static Integer repeats(ResultSet rs) throws SQLException {
        int value = rs.getInt(19);
        return rs.wasNull() ? null : value;
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

    Team insertTeam(String name, Instant createdAt) {
        long id = handles.get().createQuery("INSERT INTO teams (name, timezone, paused, created_at) "
                        + "VALUES (:name, 'UTC', 0, :created_at) RETURNING id")
                .bind("name", name).bind("created_at", createdAt.toEpochMilli())
                .mapTo(Long.class).one();
        return team(id).orElseThrow();
    }

    void updateTeam(Team team) {
        handles.get().createUpdate("UPDATE teams SET daily_limit_micros = :limit, timezone = :zone, paused = :paused, "
                        + "task_type_budgets = :budgets, alert_thresholds = :thresholds, alert_webhook_url = :url, "
                        + "max_session_rate_micros = :rate, weekly_limit_micros = :weekly, "
                        + "monthly_limit_micros = :monthly, max_session_cost_micros = :session_cap, "
                        + "task_type_session_budgets = :session_budgets, "
                        + "default_agent_daily_limit_micros = :agent_daily, "
                        + "default_agent_weekly_limit_micros = :agent_weekly, "
                        + "default_agent_monthly_limit_micros = :agent_monthly, strict_agents = :strict, "
                        + "max_repeated_tool_calls = :repeats, refuse_unpriced_models = :refuse_unpriced WHERE id = :id")
                .bind("refuse_unpriced", team.refuseUnpricedModels() ? 1 : 0)
                .bind("repeats", team.maxRepeatedToolCalls())
                .bind("agent_daily", team.agentDefaults().dailyLimitMicros())
                .bind("agent_weekly", team.agentDefaults().weeklyLimitMicros())
                .bind("agent_monthly", team.agentDefaults().monthlyLimitMicros())
                .bind("strict", team.agentDefaults().strict() ? 1 : 0)
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

    Optional<Agent> agent(long id) {
        return sql.one("SELECT " + AGENT_COLUMNS + " FROM agents WHERE id = ?", JdbiSettingsQueries::agent, id);
    }

    Optional<Agent> agentByName(String name) {
        return handles.get().createQuery("SELECT " + AGENT_COLUMNS + " FROM agents WHERE name = :name").bind("name", name)
                .map((rs, ctx) -> agent(rs)).findOne();
    }

    static Agent agent(ResultSet rs) throws SQLException {
        return new Agent(rs.getLong(1), rs.getString(2), rs.getLong(3), Columns.nullableLong(rs, 4), rs.getInt(5) != 0,
                Instant.ofEpochMilli(rs.getLong(6)), Columns.nullableLong(rs, 7), Columns.nullableLong(rs, 8));
    }

    Agent insertAgent(String name, long teamId, Instant createdAt) {
        long id = handles.get().createQuery("INSERT INTO agents (name, team_id, paused, created_at) "
                        + "VALUES (:name, :team_id, 0, :created_at) RETURNING id")
                .bind("name", name).bind("team_id", teamId).bind("created_at", createdAt.toEpochMilli())
                .mapTo(Long.class).one();
        return agent(id).orElseThrow();
    }

    void updateAgent(Agent agent) {
        handles.get().createUpdate("UPDATE agents SET team_id = :team_id, daily_limit_micros = :limit, paused = :paused, "
                        + "weekly_limit_micros = :weekly, monthly_limit_micros = :monthly WHERE id = :id")
                .bind("weekly", agent.weeklyLimitMicros()).bind("monthly", agent.monthlyLimitMicros())
                .bind("team_id", agent.teamId()).bind("limit", agent.dailyLimitMicros())
                .bind("paused", agent.paused() ? 1 : 0).bind("id", agent.id())
                .execute();
    }

    Optional<Task> task(long id) {
        return sql.one("SELECT * FROM tasks WHERE id = ?", JdbiSettingsQueries::task, id);
    }

    Optional<Task> taskByTitle(long teamId, String title) {
        return sql.one("SELECT * FROM tasks WHERE team_id = ? AND title = ? ORDER BY id LIMIT 1",
                JdbiSettingsQueries::task, teamId, title);
    }

    private static Task task(ResultSet rs) throws SQLException {
        return new Task(rs.getLong("id"), rs.getLong("team_id"), rs.getString("title"), rs.getString("priority"),
                rs.getString("task_type"), tags(rs.getString("tags")), Columns.nullableLong(rs, "budget_micros"),
                Instant.ofEpochMilli(rs.getLong("created_at")));
    }

    private static List<String> tags(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(LINE));
    }

    Task insertTask(long teamId, NewTask task, Long budgetMicros, Instant createdAt) {
        long id = handles.get().createQuery("INSERT INTO tasks (team_id, title, priority, task_type, tags, budget_micros, "
                        + "created_at) VALUES (:team_id, :title, :priority, :task_type, :tags, :budget, :created_at) "
                        + "RETURNING id")
                .bind("team_id", teamId).bind("title", task.title()).bind("priority", task.priority())
                .bind("task_type", task.taskType()).bind("tags", String.join(LINE, task.tags()))
                .bind("budget", budgetMicros).bind("created_at", createdAt.toEpochMilli())
                .mapTo(Long.class).one();
        return task(id).orElseThrow();
    }

    List<Task> tasks(long teamId) {
        return handles.get().createQuery("SELECT id FROM tasks WHERE team_id = :team_id ORDER BY id DESC")
                .bind("team_id", teamId).mapTo(Long.class).list().stream()
                .map(id -> task(id).orElseThrow())
                .toList();
    }
}
