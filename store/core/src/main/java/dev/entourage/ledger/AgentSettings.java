package dev.entourage.ledger;

/** A patch of agent settings; fields left as {@link Change#keep()} stay as they are. */
public record AgentSettings(Change<Long> dailyLimitMicros, Change<Boolean> paused, Change<Long> weeklyLimitMicros,
                            Change<Long> monthlyLimitMicros) {
    public AgentSettings(Change<Long> dailyLimitMicros, Change<Boolean> paused) {
        this(dailyLimitMicros, paused, Change.keep(), Change.keep());
    }

    public static AgentSettings none() {
        return new AgentSettings(Change.keep(), Change.keep());
    }

    /** This patch, also setting the weekly and monthly caps. */
    public AgentSettings withWindows(Change<Long> weekly, Change<Long> monthly) {
        return new AgentSettings(dailyLimitMicros, paused, weekly, monthly);
    }

    /** The agent with this patch applied. */
    Agent applyTo(Agent agent, long teamId) {
        return new Agent(agent.id(), agent.name(), teamId, dailyLimitMicros.or(agent.dailyLimitMicros()),
                Boolean.TRUE.equals(paused.or(agent.paused())), agent.createdAt(),
                weeklyLimitMicros.or(agent.weeklyLimitMicros()), monthlyLimitMicros.or(agent.monthlyLimitMicros()));
    }
}
