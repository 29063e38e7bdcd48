package dev.entourage.http.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.capture.HookDecision;
import dev.entourage.ledger.capture.HookRequest;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Claude Code hook call, end to end: the hook input decoded by {@link ClaudeCodeHooks}, decided by
 * {@link dev.entourage.ledger.HookService}, and answered as Claude Code's hook output. Shared by the bridge's
 * {@code POST /hooks/claude-code} and the stdio sidecar's {@code claude_code_hook} tool.
 */
public final class ClaudeCodeHookDoor {
    /** The reason given when the ledger cannot be read or written: blocking events are refused. */
    public static final String STORAGE_REFUSAL = "Entourage could not check the budget (its ledger is unavailable); "
            + "failing closed. Retry shortly.";
    private static final Logger LOG = LoggerFactory.getLogger(ClaudeCodeHookDoor.class);

    private final LedgerServices ledger;

    public ClaudeCodeHookDoor(LedgerServices ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /**
     * Decides the hook call {@code input} describes and answers with Claude Code's hook output.
     *
     * @param agent the agent the work belongs to; null for an agent key's own
     * @param task  a task name, or null
     * @return the hook output; when the ledger is unavailable, a STOP-style refusal ({@link #STORAGE_REFUSAL}) for
     *         {@code PreToolUse}, {@code PostToolBatch} and {@code UserPromptSubmit}, {@code {}} for the rest
     * @throws LedgerException {@code invalid_request} naming the field for a malformed input, {@code not_found},
     *                         {@code forbidden} as the service decides
     */
    public ObjectNode answer(Actor actor, JsonNode input, Ref agent, String task) {
        HookRequest request = ClaudeCodeHooks.request(input, agent, task);
        HookDecision decision;
        try {
            decision = ledger.hooks().decide(actor, request);
        } catch (LedgerException e) {
            if (e.code() != ErrorCode.STORAGE_UNAVAILABLE) {
                throw e;
            }
            LOG.warn("Claude Code hook {} for session {}: the ledger is unavailable ({}); answering {}",
                    request.event(), request.origin().externalSessionId(), e.getMessage(),
                    ClaudeCodeHooks.blocks(request.event()) ? "a refusal" : "{}");
            return ClaudeCodeHooks.refusal(request.event(), STORAGE_REFUSAL);
        }
        return ClaudeCodeHooks.output(request.event(), decision);
    }
}
