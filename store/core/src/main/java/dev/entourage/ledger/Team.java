package dev.entourage.ledger;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A group of agents with one shared daily cap and one time zone.
 *
 * @param dailyLimitMicros     team daily cap in micro-dollars; null means no limit
 * @param zone                 the zone whose midnight starts each budget day
 * @param taskTypeBudgets      default task caps in micro-dollars by task type
 * @param alertThresholds      percentages of a limit at which an alert fires, ascending (default 80 and 100)
 * @param alertWebhookUrl      where the bridge POSTs alerts (http or https), or null for none
 * @param maxSessionRateMicros the runaway guard: micro-dollars a session may spend per minute, averaged over
 *                             the trailing {@link #RUNAWAY_WINDOW_MINUTES} minutes; null for no guard
 */
public record Team(long id, String name, Long dailyLimitMicros, ZoneId zone, boolean paused,
                   Map<String, Long> taskTypeBudgets, Instant createdAt, List<Integer> alertThresholds,
                   String alertWebhookUrl, Long maxSessionRateMicros) {
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
    }

    public Team(long id, String name, Long dailyLimitMicros, ZoneId zone, boolean paused,
                Map<String, Long> taskTypeBudgets, Instant createdAt) {
        this(id, name, dailyLimitMicros, zone, paused, taskTypeBudgets, createdAt, DEFAULT_ALERT_THRESHOLDS, null,
                null);
    }

    public Optional<Long> taskTypeBudget(String taskType) {
        return taskType == null ? Optional.empty() : Optional.ofNullable(taskTypeBudgets.get(taskType));
    }
}
