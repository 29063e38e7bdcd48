package dev.entourage.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * A budget threshold crossed: recorded once per (scope, scope id, window, threshold) in the write transaction of
 * the report that crossed it, then delivered to the team's webhook off the request path.
 *
 * @param id               0 before it is stored
 * @param scope            a limited scope ({@link Scope#limited()})
 * @param scopeId          the agent's, team's, task's or session's id
 * @param window           the scope's window key ({@link BudgetWindow#key}): {@code 2026-12-01}, {@code 2026-W49},
 *                         {@code 2026-12}, or {@link SpendKey#ALL_TIME} for tasks and sessions
 * @param thresholdPercent the percentage of the limit that was reached
 * @param limitMicros      the scope's limit then
 * @param spentMicros      what the scope had spent right after the report that crossed it
 * @param agentId          the agent whose report crossed it
 * @param agentName        that agent's name
 * @param taskId           the task of that report's session, or null
 * @param sessionId        that report's session
 * @param deliveredAt      when the webhook took it (2xx), or null
 * @param attempts         webhook deliveries tried so far
 */
public record Alert(long id, long teamId, String teamName, Scope scope, long scopeId, String window,
                    int thresholdPercent, long limitMicros, long spentMicros, long agentId, String agentName,
                    Long taskId, long sessionId, Instant createdAt, Instant deliveredAt, int attempts) {
    public Alert {
        Objects.requireNonNull(teamName, "teamName");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The same alert with its stored id. */
    public Alert withId(long newId) {
        return new Alert(newId, teamId, teamName, scope, scopeId, window, thresholdPercent, limitMicros, spentMicros,
                agentId, agentName, taskId, sessionId, createdAt, deliveredAt, attempts);
    }

    /** One line a person reads in a chat channel (Slack's {@code text}). */
    public String text() {
        BudgetRule rule = scope.rule();
        String budget = switch (rule.window()) {
            case DAY -> "its daily budget";
            case WEEK -> "its weekly budget";
            case MONTH -> "its monthly budget";
            case ALL_TIME -> "its budget";
        };
        String by = " (last report by agent " + agentName + ")";
        String what = switch (rule.subject()) {
            case AGENT -> "agent " + agentName + " reached " + thresholdPercent + "% of " + budget;
            case TASK -> "task " + scopeId + " reached " + thresholdPercent + "% of " + budget + by;
            case SESSION -> "session " + scopeId + " of agent " + agentName + " reached " + thresholdPercent + "% of "
                    + budget;
            case TEAM -> "team " + teamName + " reached " + thresholdPercent + "% of " + budget + by;
        };
        String when = rule.window() == BudgetWindow.ALL_TIME ? "" : " on " + window;
        return "Entourage [" + teamName + "]: " + what + ": $" + Money.format(spentMicros) + " of $"
                + Money.format(limitMicros) + when + ".";
    }
}
