package dev.entourage.ledger.capture;

import java.util.Objects;

/**
 * The answer to one hook call. Adapters map outcome × event to the agent's wire format ({@code STOP} and
 * {@code SUBAGENT_STOP} are always answered {@code ALLOW} by the service).
 *
 * @param outcome   {@code ALLOW}: go on. {@code DENY_TOOL}: refuse this one tool call (loop guard), {@code reason}
 *                  says why. {@code STOP}: over budget, paused or killed
 * @param reason    person-readable, e.g. "Entourage: team default is over its $10.00 daily limit; resets 00:00
 *                  Europe/Paris"; null for {@code ALLOW}
 * @param context   for {@code ALLOW}, when not null: a one-line "$x of $y used" note for the model, given at most
 *                  once per threshold crossed, per session
 * @param sessionId the Entourage session the call belongs to
 */
public record HookDecision(Outcome outcome, String reason, String context, long sessionId) {
    public HookDecision {
        Objects.requireNonNull(outcome, "outcome");
    }

    /** What the agent should do. */
    public enum Outcome { ALLOW, DENY_TOOL, STOP }
}
