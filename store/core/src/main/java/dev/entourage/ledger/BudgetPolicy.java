package dev.entourage.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The budget rules of SPEC §2, evaluated over the counters a {@link LedgerReader} sees. */
final class BudgetPolicy {
    private BudgetPolicy() {
    }

    /**
     * Evaluates every scope that applies to {@code agent} now; unexpired holds count as spent.
     *
     * @param task    the task whose cap applies, or null
     * @param session the session being worked in, or null; a killed session trips {@link Scope#KILLED}
     */
    static Budget evaluate(LedgerReader reader, Team team, Agent agent, Task task, Session session, Instant now) {
        return evaluate(reader, team, agent, task, session, now, null);
    }

    /**
     * As {@link #evaluate(LedgerReader, Team, Agent, Task, Session, Instant)}, asking whether {@code estimate}
     * more would fit: a limited scope then trips when {@code spent + held >= limit} or
     * {@code spent + held + estimate > limit}, and its violation carries the estimate.
     *
     * @param estimate micro-dollars to reserve, or null for a plain evaluation
     */
    static Budget evaluate(LedgerReader reader, Team team, Agent agent, Task task, Session session, Instant now,
                           Long estimate) {
        BudgetDay day = BudgetDay.of(now, team.zone());
        long agentSpent = reader.spent(SpendKey.agentDay(agent.id(), day.date()));
        long agentHeld = reader.held(Scope.AGENT_DAILY, agent.id(), now);
        long teamSpent = reader.spent(SpendKey.teamDay(team.id(), day.date()));
        long teamHeld = reader.held(Scope.TEAM_DAILY, team.id(), now);
        Long taskLimit = null;
        Long taskSpent = null;
        Long taskHeld = null;
        if (task != null) {
            taskLimit = task.budgetMicros() != null
                    ? task.budgetMicros()
                    : team.taskTypeBudget(task.taskType()).orElse(null);
            taskSpent = reader.spent(SpendKey.task(task.id()));
            taskHeld = reader.held(Scope.TASK, task.id(), now);
        }
        long extra = estimate == null ? 0 : estimate;

        List<Violation> violations = new ArrayList<>();
        if (session != null && session.status() == SessionStatus.KILLED) {
            violations.add(new Violation(Scope.KILLED, null, session.totals().costMicros(), null));
        }
        if (agent.paused() || team.paused()) {
            violations.add(new Violation(Scope.PAUSED, null, agentSpent, null));
        }
        if (trips(agent.dailyLimitMicros(), agentSpent + agentHeld, extra)) {
            violations.add(new Violation(Scope.AGENT_DAILY, agent.dailyLimitMicros(), agentSpent, agentHeld, estimate,
                    day.resetsAt()));
        }
        if (taskSpent != null && trips(taskLimit, taskSpent + taskHeld, extra)) {
            violations.add(new Violation(Scope.TASK, taskLimit, taskSpent, taskHeld, estimate, null));
        }
        if (trips(team.dailyLimitMicros(), teamSpent + teamHeld, extra)) {
            violations.add(new Violation(Scope.TEAM_DAILY, team.dailyLimitMicros(), teamSpent, teamHeld, estimate,
                    day.resetsAt()));
        }
        return new Budget(agent.id(), task == null ? null : task.id(), agent.dailyLimitMicros(), agentSpent, agentHeld,
                taskLimit, taskSpent, taskHeld, team.dailyLimitMicros(), teamSpent, teamHeld, violations,
                day.resetsAt());
    }

    private static boolean trips(Long limit, long counted, long estimate) {
        return limit != null && (counted >= limit || counted + estimate > limit);
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
            case RUNAWAY -> "its session is spending too fast ($" + Money.format(first.spentMicros())
                    + " in the last 5 minutes, more than $" + Money.format(first.limitMicros()) + ")";
        };
        String resets = first.resetsAt() == null ? "" : "; it resets at " + first.resetsAt();
        return "Agent " + agentName + " must stop: " + what + resets + ". Stop and tell a human.";
    }

    private static String amounts(Violation violation) {
        String held = violation.heldMicros() == 0 ? "" : " + $" + Money.format(violation.heldMicros()) + " held";
        return "$" + Money.format(violation.spentMicros()) + held + " of $" + Money.format(violation.limitMicros());
    }

    /** Why a reservation of {@code estimate} does not fit, naming the first scope that would trip. */
    static String explainReservation(String agentName, long estimate, Budget budget) {
        Violation first = budget.violations().get(0);
        String what = switch (first.scope()) {
            case KILLED -> "its session was killed by a person";
            case PAUSED -> "it or its team is paused by a person";
            case AGENT_DAILY -> "its daily budget";
            case TASK -> "the task's budget";
            case TEAM_DAILY -> "the team's daily budget";
            case RUNAWAY -> "its session is spending too fast";
        };
        if (first.limitMicros() == null) {
            return "Agent " + agentName + " cannot reserve $" + Money.format(estimate) + ": " + what
                    + ". Stop and tell a human.";
        }
        String resets = first.resetsAt() == null ? "" : "; it resets at " + first.resetsAt();
        return "Agent " + agentName + " cannot reserve $" + Money.format(estimate) + ": it would exceed " + what
                + " (" + amounts(first) + ", $" + Money.format(first.remainingMicros()) + " remains" + resets
                + "). Do not start this step; use a smaller step or tell a human.";
    }
}
