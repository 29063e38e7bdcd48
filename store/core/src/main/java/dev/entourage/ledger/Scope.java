package dev.entourage.ledger;

/** What a budget violation is about; {@link #wireName()} is the JSON value of {@code scope} and {@code stop_reason}. */
public enum Scope {
    AGENT_DAILY("agent_daily"),
    TASK("task"),
    TEAM_DAILY("team_daily"),
    PAUSED("paused"),
    KILLED("killed"),
    /** A session spending faster than its team's {@code max_session_cost_per_minute_usd} over 5 minutes. */
    RUNAWAY("runaway");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
