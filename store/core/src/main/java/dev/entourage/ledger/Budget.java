package dev.entourage.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent's budget at one instant: its daily scope, the task scope (when a task applies) and the team's
 * daily scope. Limits that are null mean no limit. Amounts are micro-dollars. Held amounts (unexpired
 * {@link BudgetHold}s) count as spent: remainders subtract them, and a scope trips when spent plus held
 * reaches its limit.
 *
 * @param taskId     the task whose cap was evaluated, or null
 * @param taskSpent  null when no task applies
 * @param taskHeld   null when no task applies
 * @param resetsAt   the next midnight in the team's zone, when both daily scopes start afresh
 */
public record Budget(long agentId, Long taskId, Long dailyLimit, long dailySpent, long dailyHeld, Long taskLimit,
                     Long taskSpent, Long taskHeld, Long teamDailyLimit, long teamDailySpent, long teamDailyHeld,
                     List<Violation> violations, Instant resetsAt) {
    public Budget {
        violations = List.copyOf(violations);
        Objects.requireNonNull(resetsAt, "resetsAt");
    }

    public boolean overBudget() {
        return !violations.isEmpty();
    }

    public Long dailyRemaining() {
        return remaining(dailyLimit, dailySpent + dailyHeld);
    }

    public Long taskRemaining() {
        return taskSpent == null ? null : remaining(taskLimit, taskSpent + (taskHeld == null ? 0 : taskHeld));
    }

    public Long teamDailyRemaining() {
        return remaining(teamDailyLimit, teamDailySpent + teamDailyHeld);
    }

    /** The same budget with one more violation, placed after those of a person (killed, paused). */
    public Budget withViolation(Violation violation) {
        List<Violation> all = new java.util.ArrayList<>(violations);
        int at = 0;
        while (at < all.size() && (all.get(at).scope() == Scope.KILLED || all.get(at).scope() == Scope.PAUSED)) {
            at++;
        }
        all.add(at, violation);
        return new Budget(agentId, taskId, dailyLimit, dailySpent, dailyHeld, taskLimit, taskSpent, taskHeld,
                teamDailyLimit, teamDailySpent, teamDailyHeld, all, resetsAt);
    }

    /** The scope that trips first, which is also the {@code stop_reason}. */
    public Optional<Scope> firstViolation() {
        return violations.stream().map(Violation::scope).findFirst();
    }

    private static Long remaining(Long limit, long counted) {
        return limit == null ? null : Math.max(0, limit - counted);
    }
}
