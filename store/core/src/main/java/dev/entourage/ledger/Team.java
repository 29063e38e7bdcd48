package dev.entourage.ledger;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A group of agents with shared caps and one time zone.
 *
 * @param dailyLimitMicros      team daily cap in micro-dollars; null means no limit
 * @param zone                  the zone whose midnight starts each budget day, week and month
 * @param taskTypeBudgets       default task caps in micro-dollars by task type
 * @param alertThresholds       percentages of a limit at which an alert fires, ascending (default 80 and 100)
 * @param alertWebhookUrl       where the bridge POSTs alerts (http or https), or null for none
 * @param maxSessionRateMicros  the runaway guard: micro-dollars a session may spend per minute, averaged over
 *                              the trailing {@link #RUNAWAY_WINDOW_MINUTES} minutes; null for no guard
 * @param weeklyLimitMicros     team cap per ISO week (Monday to Sunday in {@code zone}); null means no limit
 * @param monthlyLimitMicros    team cap per calendar month in {@code zone}; null means no limit
 * @param maxSessionCostMicros  the cap of every session of the team; null means no limit
 * @param taskTypeSessionBudgets session caps by task type, which win over {@code maxSessionCostMicros}
 * @param agentDefaults         the limits of agents the team creates, and whether unknown agents are refused
 * @param maxRepeatedToolCalls  the loop guard: a session's N-th call in a row of the same tool with the same input
 *                              is refused (N ≥ 2); null for no guard
 * @param refuseUnpricedModels  refuse sessions, usage reports and gateway holds on a model the price table has no
 *                              row for ({@code refuse_unpriced_models}) instead of pricing them by an estimate
 */
public record Team(long id, String name, Long dailyLimitMicros, ZoneId zone, boolean paused,
                   Map<String, Long> taskTypeBudgets, Instant createdAt, List<Integer> alertThresholds,
                   String alertWebhookUrl, Long maxSessionRateMicros, Long weeklyLimitMicros,
                   Long monthlyLimitMicros, Long maxSessionCostMicros, Map<String, Long> taskTypeSessionBudgets,
                   AgentDefaults agentDefaults, Integer maxRepeatedToolCalls, boolean refuseUnpricedModels) {
    /** The team that exists from the start. */
    public static final String DEFAULT_NAME = "default";
    /** Alert thresholds of a team that set none. */
    public static final List<Integer> DEFAULT_ALERT_THRESHOLDS = List.of(80, 100);
    /** The runaway guard's trailing window. */
    public static final int RUNAWAY_WINDOW_MINUTES = 5;

    public Team {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(zone, "zone");
        taskTypeBudgets = Map.copyOf(taskTypeBudgets);
        Objects.requireNonNull(createdAt, "createdAt");
        alertThresholds = List.copyOf(alertThresholds);
        taskTypeSessionBudgets = Map.copyOf(taskTypeSessionBudgets);
        Objects.requireNonNull(agentDefaults, "agentDefaults");
    }

    /** A team that prices unpriced models by an estimate. */
    public Team(long id, String name, Long dailyLimitMicros, ZoneId zone, boolean paused,
                Map<String, Long> taskTypeBudgets, Instant createdAt, List<Integer> alertThresholds,
                String alertWebhookUrl, Long maxSessionRateMicros, Long weeklyLimitMicros,
                Long monthlyLimitMicros, Long maxSessionCostMicros, Map<String, Long> taskTypeSessionBudgets,
                AgentDefaults agentDefaults, Integer maxRepeatedToolCalls) {
        this(id, name, dailyLimitMicros, zone, paused, taskTypeBudgets, createdAt, alertThresholds, alertWebhookUrl,
                maxSessionRateMicros, weeklyLimitMicros, monthlyLimitMicros, maxSessionCostMicros,
                taskTypeSessionBudgets, agentDefaults, maxRepeatedToolCalls, false);
    }

    /** A team with daily and task-type caps only. */
    public Team(long id, String name, Long dailyLimitMicros, ZoneId zone, boolean paused,
                Map<String, Long> taskTypeBudgets, Instant createdAt) {
        this(id, name, dailyLimitMicros, zone, paused, taskTypeBudgets, createdAt, DEFAULT_ALERT_THRESHOLDS, null,
                null, null, null, null, Map.of(), AgentDefaults.NONE, null, false);
    }

    public Optional<Long> taskTypeBudget(String taskType) {
        return taskType == null ? Optional.empty() : Optional.ofNullable(taskTypeBudgets.get(taskType));
    }

    public Optional<Long> taskTypeSessionBudget(String taskType) {
        return taskType == null ? Optional.empty() : Optional.ofNullable(taskTypeSessionBudgets.get(taskType));
    }
}
