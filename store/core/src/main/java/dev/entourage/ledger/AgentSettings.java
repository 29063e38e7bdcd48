package dev.entourage.ledger;

/** A patch of agent settings; fields left as {@link Change#keep()} stay as they are. */
public record AgentSettings(Change<Long> dailyLimitMicros, Change<Boolean> paused) {
    public static AgentSettings none() {
        return new AgentSettings(Change.keep(), Change.keep());
    }
}
