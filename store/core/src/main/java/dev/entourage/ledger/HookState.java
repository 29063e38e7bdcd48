package dev.entourage.ledger;

/**
 * What a session remembers between hook calls, so that each decision is O(1) in history.
 *
 * @param lastToolKey    the last tool call's tool name and input hash, or null before any
 * @param repeats        how many calls in a row had {@code lastToolKey} (0 before any)
 * @param contextPercent the highest budget threshold (percent) already noted to the model; 0 for none
 */
public record HookState(String lastToolKey, int repeats, int contextPercent) {
    public static final HookState NONE = new HookState(null, 0, 0);
}
