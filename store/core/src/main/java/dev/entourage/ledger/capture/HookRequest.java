package dev.entourage.ledger.capture;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Text;

/**
 * One hook call.
 *
 * @param toolName      only for {@code PRE_TOOL_USE}
 * @param toolInputHash only for {@code PRE_TOOL_USE}: SHA-256 hex of the canonical JSON of {@code tool_input},
 *                      computed by the adapter
 * @param cwd           stored on the session at {@code SESSION_START}
 * @param gitBranch     stored on the session at {@code SESSION_START}; may be null
 */
public record HookRequest(CaptureOrigin origin, HookEvent event, String toolName, String toolInputHash,
                          String cwd, String gitBranch) {
    public HookRequest {
        if (origin == null) {
            throw LedgerException.invalid("session_id", "is required");
        }
        if (event == null) {
            throw LedgerException.invalid("hook_event_name", "is required");
        }
        toolName = Text.optional("tool_name", toolName, 200);
        toolInputHash = Text.optional("tool_input", toolInputHash, 128);
        cwd = Text.optional("cwd", cwd, 4096);
        gitBranch = Text.optional("git_branch", gitBranch, 500);
    }
}
