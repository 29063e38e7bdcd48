package dev.entourage.ledger.capture;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Text;

/**
 * Where captured work belongs.
 *
 * @param externalSessionId the agent's own session id (Claude Code {@code session.id} / hook {@code session_id} /
 *                          {@code CLAUDE_CODE_SESSION_ID}; Codex {@code conversation.id}; Gemini
 *                          {@code session.id}), 1..200 characters
 * @param agent             null = the agent of the agent key; required for admin keys and {@code Actor.Local}
 *                          (from the resource attribute {@code entourage.agent}, a header, or {@code --agent}). For
 *                          an agent key a different agent is refused ({@code forbidden}).
 * @param taskName          {@code entourage.task}, or null. An unknown task name is created in the agent's team
 *                          (title = name) when the actor may create tasks; for an agent key the work goes on no task.
 */
public record CaptureOrigin(CaptureSource source, String externalSessionId, Ref agent, String taskName) {
    public CaptureOrigin {
        if (source == null) {
            throw LedgerException.invalid("source", "is required");
        }
        externalSessionId = Text.required("session.id", externalSessionId, 200);
        taskName = Text.optional("entourage.task", taskName, 200);
    }
}
