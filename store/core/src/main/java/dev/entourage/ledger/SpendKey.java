package dev.entourage.ledger;

import java.time.LocalDate;
import java.util.Objects;

/**
 * The key of one spend counter: a scope and a window. Daily scopes use the local date in the team's zone,
 * so a new day simply has a new key and nothing is ever reset.
 *
 * @param scope   {@link Scope#AGENT_DAILY}, {@link Scope#TEAM_DAILY} or {@link Scope#TASK}
 * @param scopeId the agent's, team's or task's id
 * @param window  an ISO date for daily scopes, {@link #ALL_TIME} for tasks
 */
public record SpendKey(Scope scope, long scopeId, String window) {
    public static final String ALL_TIME = "all";

    public SpendKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(window, "window");
    }

    public static SpendKey agentDay(long agentId, LocalDate day) {
        return new SpendKey(Scope.AGENT_DAILY, agentId, day.toString());
    }

    public static SpendKey teamDay(long teamId, LocalDate day) {
        return new SpendKey(Scope.TEAM_DAILY, teamId, day.toString());
    }

    public static SpendKey task(long taskId) {
        return new SpendKey(Scope.TASK, taskId, ALL_TIME);
    }
}
