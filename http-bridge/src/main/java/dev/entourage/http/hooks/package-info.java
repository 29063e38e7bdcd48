/**
 * Claude Code's hooks as a door onto {@link dev.entourage.ledger.HookService}: {@link
 * dev.entourage.http.hooks.ClaudeCodeHooks} maps Claude Code's hook input JSON to a {@link
 * dev.entourage.ledger.capture.HookRequest} and a {@link dev.entourage.ledger.capture.HookDecision} back to Claude
 * Code's hook output JSON; {@link dev.entourage.http.hooks.ClaudeCodeHookDoor} runs one hook call end to end (decode,
 * decide, encode, fail closed on a storage failure for the events that can block). The bridge serves it at {@code
 * POST /hooks/claude-code} ({@code type: "http"} hooks); the stdio sidecar serves the same door as the MCP tool
 * {@code claude_code_hook} ({@code type: "mcp_tool"} hooks), and {@code entourage hook} relays {@code command} hooks
 * to the bridge.
 */
package dev.entourage.http.hooks;
