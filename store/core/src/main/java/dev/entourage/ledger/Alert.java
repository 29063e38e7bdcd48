package dev.entourage.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * A budget threshold crossed: recorded once per (scope, scope id, window, threshold) in the write transaction of
 * the report that crossed it, then delivered to the team's webhook off the request path.
 *
 * @param id               0 before it is stored
 * @param scope            {@link Scope#AGENT_DAILY}, {@link Scope#TASK} or {@link Scope#TEAM_DAILY}
 * @param scopeId          the agent's, task's or team's id
 * @param window           the scope's window: an ISO date for daily scopes, {@link SpendKey#ALL_TIME} for tasks
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
        String what = switch (scope) {
            case AGENT_DAILY -> "agent " + agentName + " reached " + thresholdPercent + "% of its daily budget";
            case TASK -> "task " + scopeId + " reached " + thresholdPercent + "% of its budget (last report by agent "
                    + agentName + ")";
            case TEAM_DAILY -> "team " + teamName + " reached " + thresholdPercent + "% of its daily budget (last "
                    + "report by agent " + agentName + ")";
            default -> scope.wireName() + " " + scopeId + " reached " + thresholdPercent + "%";
        };
        String when = scope == Scope.TASK ? "" : " on " + window;
        return "Entourage [" + teamName + "]: " + what + ": $" + Money.format(spentMicros) + " of $"
                + Money.format(limitMicros) + when + ".";
    }
}
