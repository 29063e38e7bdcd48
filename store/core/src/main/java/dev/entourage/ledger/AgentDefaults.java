package dev.entourage.ledger;

/**
 * What a team gives the agents it creates: the limits of an agent created on first use (by a sidecar, by
 * {@code agents set}, by {@code POST /teams/{team}/agents} without limits, by a key for a new agent), and whether
 * unknown agents are refused instead of created.
 *
 * @param dailyLimitMicros   a new agent's daily cap, or null for none
 * @param weeklyLimitMicros  a new agent's weekly cap, or null for none
 * @param monthlyLimitMicros a new agent's monthly cap, or null for none
 * @param strict             refuse agents nobody created ({@code not_found}) instead of creating them on first use
 */
public record AgentDefaults(Long dailyLimitMicros, Long weeklyLimitMicros, Long monthlyLimitMicros, boolean strict) {
    /** No limits for new agents, and unknown agents created on first use. */
    public static final AgentDefaults NONE = new AgentDefaults(null, null, null, false);

    /** A newly inserted {@code agent} with these default limits. */
    public Agent applyTo(Agent agent) {
        return new Agent(agent.id(), agent.name(), agent.teamId(), dailyLimitMicros, agent.paused(),
                agent.createdAt(), weeklyLimitMicros, monthlyLimitMicros);
    }

    /** Whether a new agent gets any limit from these defaults. */
    public boolean limits() {
        return dailyLimitMicros != null || weeklyLimitMicros != null || monthlyLimitMicros != null;
    }
}
