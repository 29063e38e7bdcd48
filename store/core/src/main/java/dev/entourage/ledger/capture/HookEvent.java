package dev.entourage.ledger.capture;

/** Lifecycle and control points of a coding agent (Claude Code hook events). */
public enum HookEvent {
    SESSION_START, SESSION_END, PRE_TOOL_USE, POST_TOOL_BATCH, USER_PROMPT_SUBMIT, STOP, SUBAGENT_STOP, OTHER
}
