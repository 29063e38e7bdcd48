package dev.entourage.ledger;

import java.util.List;

/**
 * What a caller gives to create a task.
 *
 * @param budgetMicros explicit cap ({@code budget_usd}); null to take it from a {@code budget:} tag or the
 *                     team's per-type default
 */
public record NewTask(String title, String priority, String taskType, List<String> tags, Long budgetMicros) {
    public NewTask {
        title = Text.required("title", title, 500);
        priority = Text.optional("priority", priority, 50);
        taskType = Text.optional("task_type", taskType, 100);
        tags = List.copyOf(tags).stream().map(tag -> Text.required("tags", tag, 100)).toList();
        if (budgetMicros != null && (budgetMicros < 0 || budgetMicros > Money.MAX_REPORTED_MICROS)) {
            throw LedgerException.invalid("budget_usd", "must be between 0 and 10000");
        }
    }
}
