package dev.entourage.ledger;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A group of agents with one shared daily cap and one time zone.
 *
 * @param dailyLimitMicros  team daily cap in micro-dollars; null means no limit
 * @param zone              the zone whose midnight starts each budget day
 * @param taskTypeBudgets   default task caps in micro-dollars by task type
 */
public record Team(long id, String name, Long dailyLimitMicros, ZoneId zone, boolean paused,
                   Map<String, Long> taskTypeBudgets, Instant createdAt) {
    /** The team that exists from the start. */
    public static final String DEFAULT_NAME = "default";

    public Team {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(zone, "zone");
        taskTypeBudgets = Map.copyOf(taskTypeBudgets);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public Optional<Long> taskTypeBudget(String taskType) {
        return taskType == null ? Optional.empty() : Optional.ofNullable(taskTypeBudgets.get(taskType));
    }
}
