package dev.entourage.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The budget rules of SPEC §2, evaluated over the counters a {@link LedgerReader} sees. */
final class BudgetPolicy {
    private BudgetPolicy() {
    }

    /**
     * Evaluates every scope that applies to {@code agent} now.
     *
     * @param task    the task whose cap applies, or null
     * @param session the session being worked in, or null; a killed session trips {@link Scope#KILLED}
     */
    static Budget evaluate(LedgerReader reader, Team team, Agent agent, Task task, Session session, Instant now) {
        BudgetDay day = BudgetDay.of(now, team.zone());
        long agentSpent = reader.spent(SpendKey.agentDay(agent.id(), day.date()));
        long teamSpent = reader.spent(SpendKey.teamDay(team.id(), day.date()));
        Long taskLimit = null;
        Long taskSpent = null;
        if (task != null) {
            taskLimit = task.budgetMicros() != null
                    ? task.budgetMicros()
                    : team.taskTypeBudget(task.taskType()).orElse(null);
            taskSpent = reader.spent(SpendKey.task(task.id()));
        }

        List<Violation> violations = new ArrayList<>();
        if (session != null && session.status() == SessionStatus.KILLED) {
            violations.add(new Violation(Scope.KILLED, null, session.totals().costMicros(), null));
        }
        if (agent.paused() || team.paused()) {
            violations.add(new Violation(Scope.PAUSED, null, agentSpent, null));
        }
        if (trips(agent.dailyLimitMicros(), agentSpent)) {
            violations.add(new Violation(Scope.AGENT_DAILY, agent.dailyLimitMicros(), agentSpent, day.resetsAt()));
        }
        if (taskSpent != null && trips(taskLimit, taskSpent)) {
            violations.add(new Violation(Scope.TASK, taskLimit, taskSpent, null));
        }
        if (trips(team.dailyLimitMicros(), teamSpent)) {
            violations.add(new Violation(Scope.TEAM_DAILY, team.dailyLimitMicros(), teamSpent, day.resetsAt()));
        }
        return new Budget(agent.id(), task == null ? null : task.id(), agent.dailyLimitMicros(), agentSpent,
                taskLimit, taskSpent, team.dailyLimitMicros(), teamSpent, violations, day.resetsAt());
    }

    private static boolean trips(Long limit, long spent) {
        return limit != null && spent >= limit;
    }

    /** A sentence a person or a model can act on, naming the first scope that trips. */
    static String explain(String agentName, Budget budget) {
        Violation first = budget.violations().get(0);
        String what = switch (first.scope()) {
            case KILLED -> "its session was killed by a person";
            case PAUSED -> "it or its team is paused by a person";
            case AGENT_DAILY -> "its daily budget is used up (" + amounts(first) + " today)";
            case TASK -> "the task's budget is used up (" + amounts(first) + ")";
            case TEAM_DAILY -> "the team's daily budget is used up (" + amounts(first) + " today)";
        };
        String resets = first.resetsAt() == null ? "" : "; it resets at " + first.resetsAt();
        return "Agent " + agentName + " must stop: " + what + resets + ". Stop and tell a human.";
    }

    private static String amounts(Violation violation) {
        return "$" + Money.format(violation.spentMicros()) + " of $" + Money.format(violation.limitMicros());
    }
}
