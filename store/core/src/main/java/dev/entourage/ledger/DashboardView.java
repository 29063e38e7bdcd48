package dev.entourage.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the dashboard shows of one team, read in one transaction.
 *
 * @param day            today in the team's zone, and when it resets
 * @param spentMicros    what the team spent today
 * @param agents         every agent of the team, by name, with its spend today
 * @param sessions       the team's newest {@value #ACTIVE_SESSIONS} active sessions, newest first
 * @param recentSessions the most recent ended or killed sessions, newest first
 * @param tasks          the newest tasks with their spend, newest first
 * @param alerts         the newest alerts, newest first
 * @param activeCount    how many sessions of the team are active, shown or not
 * @param moreSessions   the cursor of the active sessions after {@code sessions}, or null when all are shown
 * @param unpriced       the part of today's spend priced for models without a price
 */
public record DashboardView(Team team, Instant now, BudgetDay day, long spentMicros, List<AgentDay> agents,
                            List<Session> sessions, List<Session> recentSessions, List<TaskSpend> tasks,
                            List<Alert> alerts, int activeCount, String moreSessions, UnpricedSpend unpriced) {
    /** Active sessions shown. */
    public static final int ACTIVE_SESSIONS = 50;
    /** Recent (ended or killed) sessions shown. */
    public static final int RECENT_SESSIONS = 20;
    /** Tasks shown. */
    public static final int TASKS = 50;
    /** Alerts shown. */
    public static final int ALERTS = 20;

    /** A view without unpriced spend; see {@link #withUnpriced}. */
    public DashboardView(Team team, Instant now, BudgetDay day, long spentMicros, List<AgentDay> agents,
                         List<Session> sessions, List<Session> recentSessions, List<TaskSpend> tasks,
                         List<Alert> alerts, int activeCount, String moreSessions) {
        this(team, now, day, spentMicros, agents, sessions, recentSessions, tasks, alerts, activeCount, moreSessions,
                UnpricedSpend.NONE);
    }

    /** This view with today's unpriced part. */
    public DashboardView withUnpriced(UnpricedSpend spend) {
        return new DashboardView(team, now, day, spentMicros, agents, sessions, recentSessions, tasks, alerts,
                activeCount, moreSessions, spend);
    }

    public DashboardView {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(unpriced, "unpriced");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(day, "day");
        agents = List.copyOf(agents);
        sessions = List.copyOf(sessions);
        recentSessions = List.copyOf(recentSessions);
        tasks = List.copyOf(tasks);
        alerts = List.copyOf(alerts);
    }

    /** The team's daily limit, or null for none. */
    public Long limitMicros() {
        return team.dailyLimitMicros();
    }

    /** What remains of the team's daily limit (never below 0), or null without a limit. */
    public Long remainingMicros() {
        return team.dailyLimitMicros() == null ? null : Math.max(0, team.dailyLimitMicros() - spentMicros);
    }

    /**
     * One agent with its spend today, what its open holds reserve now, and how many sessions it has open.
     *
     * @param heldMicros micro-dollars held by the agent's holds not yet settled, released or expired
     */
    public record AgentDay(Agent agent, long spentMicros, long heldMicros, int activeSessions) {
        public AgentDay {
            Objects.requireNonNull(agent, "agent");
        }

        /** What remains of the agent's daily limit (never below 0), or null without a limit. */
        public Long remainingMicros() {
            return agent.dailyLimitMicros() == null ? null : Math.max(0, agent.dailyLimitMicros() - spentMicros);
        }
    }
}
