package dev.entourage.ledger;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads a task's cap from its tags: {@code budget:<dollars>}, e.g. {@code budget:0.50}. */
final class BudgetTags {
    private static final String PREFIX = "budget:";

    private BudgetTags() {
    }

    /**
     * The cap named by the one budget tag among {@code tags}, if any.
     *
     * @throws LedgerException {@code invalid_request} on field {@code tags} when a budget tag is malformed
     *                         or there are several
     */
    static Optional<Long> cap(List<String> tags) {
        List<String> budgetTags = tags.stream()
                .filter(tag -> tag.toLowerCase(Locale.ROOT).startsWith(PREFIX))
                .toList();
        if (budgetTags.isEmpty()) {
            return Optional.empty();
        }
        if (budgetTags.size() > 1) {
            throw LedgerException.invalid("tags", "has more than one budget tag: " + budgetTags);
        }
        String amount = budgetTags.get(0).substring(PREFIX.length());
        if (!amount.matches("\\d+(\\.\\d{1,6})?")) {
            throw LedgerException.invalid("tags", "budget tag '" + budgetTags.get(0)
                    + "' must look like budget:<dollars>, e.g. budget:0.50");
        }
        return Optional.of(Money.parseDollars(amount, "tags", Money.MAX_REPORTED_MICROS));
    }
}
