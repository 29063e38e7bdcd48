package dev.entourage.ledger;

import java.util.Objects;

/**
 * What a budget is evaluated for: the team and agent always, the task and session when they apply.
 *
 * @param task    the task whose cap applies, or null
 * @param session the session being worked in, or null
 */
public record Subjects(Team team, Agent agent, Task task, Session session) {
    public Subjects {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(agent, "agent");
    }

    /** The task's cap: its own, else the team's default for its type; null without a task or a cap. */
    public Long taskLimit() {
        if (task == null) {
            return null;
        }
        return task.budgetMicros() != null ? task.budgetMicros() : team.taskTypeBudget(task.taskType()).orElse(null);
    }

    /** The session cap: the team's for the task's type, else the team's; null without a session or a cap. */
    public Long sessionLimit() {
        if (session == null) {
            return null;
        }
        String type = task == null ? null : task.taskType();
        return team.taskTypeSessionBudget(type).orElse(team.maxSessionCostMicros());
    }
}
