package dev.entourage.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A unit of work with an optional cost cap.
 *
 * @param budgetMicros the task's own cap (from {@code budget_usd} or a {@code budget:} tag); null when it
 *                     has none, in which case the team's per-type default may apply
 */
public record Task(long id, long teamId, String title, String priority, String taskType, List<String> tags,
                   Long budgetMicros, Instant createdAt) {
    public Task {
        Objects.requireNonNull(title, "title");
        tags = List.copyOf(tags);
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
