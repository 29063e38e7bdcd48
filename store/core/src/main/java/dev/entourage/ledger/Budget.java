package dev.entourage.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent's budget at one instant: every limited scope ({@link Scope#limitedScopes()}) in order, and the
 * violations. Limits that are null mean no limit. Amounts are micro-dollars. Held amounts (unexpired
 * {@link BudgetHold}s) count as spent: remainders subtract them, and a scope trips when spent plus held
 * reaches its limit.
 *
 * @param taskId    the task whose cap was evaluated, or null
 * @param sessionId the session whose cap was evaluated, or null
 * @param scopes    one entry per limited scope, in {@link Scope} order
 * @param resetsAt  when every tripped window has started afresh (the latest reset among the tripped daily, weekly
 *                  and monthly scopes); without such a trip, the next midnight in the team's zone
 */
public record Budget(long agentId, Long taskId, Long sessionId, List<ScopeBudget> scopes, List<Violation> violations,
                     Instant resetsAt) {
    public Budget {
        scopes = List.copyOf(scopes);
        violations = List.copyOf(violations);
        Objects.requireNonNull(resetsAt, "resetsAt");
    }

    public boolean overBudget() {
        return !violations.isEmpty();
    }

    /** Where {@code scope} stands. */
    public ScopeBudget scope(Scope scope) {
        for (ScopeBudget s : scopes) {
            if (s.scope() == scope) {
                return s;
            }
        }
        throw new IllegalArgumentException("no limited scope " + scope);
    }

    public Long dailyLimit() {
        return scope(Scope.AGENT_DAILY).limitMicros();
    }

    public long dailySpent() {
        return scope(Scope.AGENT_DAILY).spentMicros();
    }

    public long dailyHeld() {
        return scope(Scope.AGENT_DAILY).heldMicros();
    }

    public Long dailyRemaining() {
        return scope(Scope.AGENT_DAILY).remainingMicros();
    }

    public Long taskLimit() {
        return scope(Scope.TASK).limitMicros();
    }

    public Long taskSpent() {
        return scope(Scope.TASK).spentMicros();
    }

    public Long taskHeld() {
        return scope(Scope.TASK).heldMicros();
    }

    public Long taskRemaining() {
        return scope(Scope.TASK).remainingMicros();
    }

    public Long teamDailyLimit() {
        return scope(Scope.TEAM_DAILY).limitMicros();
    }

    public long teamDailySpent() {
        return scope(Scope.TEAM_DAILY).spentMicros();
    }

    public long teamDailyHeld() {
        return scope(Scope.TEAM_DAILY).heldMicros();
    }

    public Long teamDailyRemaining() {
        return scope(Scope.TEAM_DAILY).remainingMicros();
    }

    /** The same budget with one more violation, placed after those of a person (killed, paused). */
    public Budget withViolation(Violation violation) {
        List<Violation> all = new ArrayList<>(violations);
        int at = 0;
        while (at < all.size() && !all.get(at).scope().limited()) {
            at++;
        }
        all.add(at, violation);
        return new Budget(agentId, taskId, sessionId, scopes, all, resetsAt);
    }

    /** The scope that trips first, which is also the {@code stop_reason}. */
    public Optional<Scope> firstViolation() {
        return violations.stream().map(Violation::scope).findFirst();
    }
}
