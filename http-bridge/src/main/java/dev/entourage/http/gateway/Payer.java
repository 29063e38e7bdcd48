package dev.entourage.http.gateway;

import dev.entourage.ledger.Actor;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.access.Principal;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who pays for a call through the gateway, and on which session it lands.
 *
 * <p>The session: Claude Code's {@value #CLAUDE_CODE_SESSION} (the same session its hooks and telemetry use), else
 * the caller's own id in {@value #SESSION_HEADER}, else one session per agent per UTC day,
 * {@code gateway-YYYY-MM-DD}. All are captured sessions found or opened by that external id.
 *
 * @param actor  the Entourage key's actor
 * @param origin the session's origin: its external id and, for an admin key, the agent named by
 *               {@value #AGENT_HEADER}
 */
record Payer(Actor actor, CaptureOrigin origin) {
    static final String KEY_HEADER = "X-Entourage-Key";
    static final String AGENT_HEADER = "X-Entourage-Agent";
    static final String SESSION_HEADER = "X-Entourage-Session";
    static final String CLAUDE_CODE_SESSION = "x-claude-code-session-id";

    /**
     * The payer of {@code request}.
     *
     * @throws LedgerException {@code unauthenticated} without a valid key, {@code invalid_request} naming the header
     *                         for an admin key without {@value #AGENT_HEADER} or a malformed header
     */
    static Payer of(HttpServletRequest request, Function<String, Optional<Principal>> keys, Clock clock) {
        String key = request.getHeader(KEY_HEADER);
        Principal principal = keys.apply(key == null || key.isBlank() ? null : key.strip())
                .orElseThrow(() -> new LedgerException(dev.entourage.ledger.ErrorCode.UNAUTHENTICATED,
                        key == null ? KEY_HEADER + ": is required (an Entourage agent key, oc_...)"
                                : KEY_HEADER + ": the key is invalid, revoked or expired", java.util.Map.of(), null));
        Actor actor = principal.actor();
        String agent = header(request, AGENT_HEADER);
        if (agent == null && !(actor instanceof Actor.AgentKey)) {
            throw LedgerException.invalid(AGENT_HEADER, "must name the agent when the key is not an agent key");
        }
        String session = header(request, CLAUDE_CODE_SESSION);
        if (session == null) {
            session = header(request, SESSION_HEADER);
        }
        if (session == null) {
            session = "gateway-" + LocalDate.now(clock.withZone(ZoneOffset.UTC));
        }
        return new Payer(actor, new CaptureOrigin(CaptureSource.CLAUDE_CODE, session,
                agent == null ? null : Ref.parse(agent), null));
    }

    /** The payer's team: the key's own, else the named agent's; null when the agent is not known yet. */
    Long teamId(dev.entourage.ledger.LedgerServices ledger) {
        if (actor instanceof Actor.AgentKey) {
            return ((Actor.AgentKey) actor).teamId();
        }
        if (actor instanceof Actor.Person) {
            return ((Actor.Person) actor).teamId();
        }
        try {
            return ledger.settings().agent(actor, origin.agent()).teamId();
        } catch (LedgerException e) {
            return null;
        }
    }

    private static String header(HttpServletRequest request, String name) {
        String value = request.getHeader(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > 200 || !value.strip().matches("[\\x21-\\x7e]+")) {
            throw LedgerException.invalid(name, "must be 1 to 200 printable characters without spaces");
        }
        return value.strip();
    }
}
