package dev.entourage.ledger;

/** Whose spend a budget scope sums; holds count against a subject in every window alike. */
public enum BudgetSubject {
    AGENT, TEAM, TASK, SESSION;

    /** The subject's id among {@code s}, or null when it does not apply (no task, no session). */
    public Long id(Subjects s) {
        return switch (this) {
            case AGENT -> s.agent().id();
            case TEAM -> s.team().id();
            case TASK -> s.task() == null ? null : s.task().id();
            case SESSION -> s.session() == null ? null : s.session().id();
        };
    }
}
