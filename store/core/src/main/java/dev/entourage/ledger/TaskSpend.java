package dev.entourage.ledger;

import java.util.Objects;

/**
 * A task with what it has cost so far.
 *
 * @param limitMicros the cap that applies (its own, else the team's default for its type), or null
 */
public record TaskSpend(Task task, Long limitMicros, long spentMicros) {
    public TaskSpend {
        Objects.requireNonNull(task, "task");
    }

    public Long remainingMicros() {
        return limitMicros == null ? null : Math.max(0, limitMicros - spentMicros);
    }
}
