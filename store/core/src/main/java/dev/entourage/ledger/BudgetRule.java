package dev.entourage.ledger;

import java.util.Objects;
import java.util.function.Function;

/**
 * One limited budget scope as data: the counter it sums ({@code subject} in {@code window}), where its limit comes
 * from, and the prefix of its fields on the wire ({@code <prefix>_limit_usd}, {@code _spent_usd}, {@code _held_usd},
 * {@code _remaining_usd}).
 *
 * @param fieldPrefix the wire prefix, e.g. {@code daily}, {@code team_weekly}
 * @param limit       the limit in micro-dollars for these subjects, null for none
 */
public record BudgetRule(String fieldPrefix, BudgetSubject subject, BudgetWindow window,
                         Function<Subjects, Long> limit) {
    public BudgetRule {
        Objects.requireNonNull(fieldPrefix, "fieldPrefix");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(limit, "limit");
    }
}
