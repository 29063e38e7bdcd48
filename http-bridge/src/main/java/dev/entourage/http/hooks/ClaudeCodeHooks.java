package dev.entourage.http.hooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Text;
import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.HookDecision;
import dev.entourage.ledger.capture.HookEvent;
import dev.entourage.ledger.capture.HookRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Claude Code's hook JSON, both ways. In: the hook input Claude Code sends ({@code hook_event_name},
 * {@code session_id}, {@code cwd}, {@code tool_name}, {@code tool_input}, …; other fields are ignored) becomes a
 * {@link HookRequest}. Out: a {@link HookDecision} for an event becomes the hook output Claude Code reads:
 * <ul>
 *   <li>{@code PreToolUse}: STOP → {@code continue:false}, {@code stopReason} and a {@code deny} permission decision
 *   with the reason; DENY_TOOL → the deny alone (the loop goes on without that call); ALLOW with context →
 *   {@code hookSpecificOutput.additionalContext}; ALLOW → {@code {}} (never {@code allow}, which would skip the
 *   user's permission prompts);</li>
 *   <li>{@code PostToolBatch}: STOP → {@code continue:false} and {@code stopReason} (the loop ends before the next
 *   model call);</li>
 *   <li>{@code UserPromptSubmit}: STOP → {@code decision:"block"} and {@code reason} (the prompt is refused and
 *   erased; Claude Code shows the reason);</li>
 *   <li>{@code SessionStart} (which cannot block): STOP → the reason as {@code systemMessage} and as context for
 *   the model;</li>
 *   <li>{@code Stop}, {@code SubagentStop}, {@code SessionEnd} and other events: {@code {}} always (blocking
 *   {@code Stop} would make Claude keep going).</li>
 * </ul>
 */
public final class ClaudeCodeHooks {
    /** The longest {@code hook_event_name} read. */
    private static final int MAX_EVENT_NAME = 100;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, HookEvent> EVENTS = Map.of(
            "SessionStart", HookEvent.SESSION_START,
            "SessionEnd", HookEvent.SESSION_END,
            "PreToolUse", HookEvent.PRE_TOOL_USE,
            "PostToolBatch", HookEvent.POST_TOOL_BATCH,
            "UserPromptSubmit", HookEvent.USER_PROMPT_SUBMIT,
            "Stop", HookEvent.STOP,
            "SubagentStop", HookEvent.SUBAGENT_STOP);

    private ClaudeCodeHooks() {
    }

    /**
     * The hook call {@code input} describes.
     *
     * @param agent the agent the work belongs to; null for an agent key's own
     * @param task  a task name, or null
     * @throws LedgerException {@code invalid_request} naming the field: a body that is not an object, a missing or
     *                         non-text {@code hook_event_name} or {@code session_id}, a non-text {@code cwd} or
     *                         {@code tool_name}, a {@code PreToolUse} without {@code tool_name}
     */
    public static HookRequest request(JsonNode input, Ref agent, String task) {
        if (input == null || !input.isObject()) {
            throw LedgerException.invalid("body", "must be a JSON object: Claude Code's hook input");
        }
        String name = Text.required("hook_event_name", text(input, "hook_event_name"), MAX_EVENT_NAME);
        HookEvent event = event(name);
        String sessionId = Text.required("session_id", text(input, "session_id"), 200);
        String cwd = text(input, "cwd");
        String toolName = null;
        String toolInputHash = null;
        if (event == HookEvent.PRE_TOOL_USE) {
            toolName = Text.required("tool_name", text(input, "tool_name"), 200);
            toolInputHash = hash(toolInput(input.get("tool_input")));
        }
        String branch = event == HookEvent.SESSION_START && cwd != null ? GitHead.branch(cwd) : null;
        CaptureOrigin origin = new CaptureOrigin(CaptureSource.CLAUDE_CODE, sessionId, agent, task);
        return new HookRequest(origin, event, toolName, toolInputHash, cwd, branch);
    }

    /** The event of a {@code hook_event_name}; {@link HookEvent#OTHER} for the events Entourage does not act on. */
    public static HookEvent event(String hookEventName) {
        return EVENTS.getOrDefault(hookEventName, HookEvent.OTHER);
    }

    /** The event of a hook input read without any check: {@link HookEvent#OTHER} when it names none. */
    public static HookEvent eventOf(JsonNode input) {
        JsonNode name = input == null ? null : input.get("hook_event_name");
        return name != null && name.isTextual() ? event(name.asText()) : HookEvent.OTHER;
    }

    /** Whether Claude Code lets a hook on {@code event} stop the work (the events that fail closed). */
    public static boolean blocks(HookEvent event) {
        return event == HookEvent.PRE_TOOL_USE || event == HookEvent.POST_TOOL_BATCH
                || event == HookEvent.USER_PROMPT_SUBMIT;
    }

    /** Claude Code's hook output for {@code decision} on {@code event}. */
    public static ObjectNode output(HookEvent event, HookDecision decision) {
        String reason = decision.reason() == null ? "Entourage: this session must stop." : decision.reason();
        HookDecision.Outcome outcome = decision.outcome();
        ObjectNode out = NODES.objectNode();
        switch (event) {
            case PRE_TOOL_USE -> {
                if (outcome == HookDecision.Outcome.STOP) {
                    out.put("continue", false).put("stopReason", reason);
                }
                if (outcome != HookDecision.Outcome.ALLOW) {
                    specific(out, "PreToolUse").put("permissionDecision", "deny")
                            .put("permissionDecisionReason", reason);
                } else {
                    context(out, "PreToolUse", decision.context());
                }
            }
            case POST_TOOL_BATCH -> {
                if (outcome == HookDecision.Outcome.STOP) {
                    out.put("continue", false).put("stopReason", reason);
                } else {
                    context(out, "PostToolBatch", decision.context());
                }
            }
            case USER_PROMPT_SUBMIT -> {
                if (outcome == HookDecision.Outcome.STOP) {
                    out.put("decision", "block").put("reason", reason);
                } else {
                    context(out, "UserPromptSubmit", decision.context());
                }
            }
            case SESSION_START -> {
                if (outcome == HookDecision.Outcome.STOP) {
                    out.put("systemMessage", reason);
                    context(out, "SessionStart", reason + " Do not start work; tell the user why.");
                } else {
                    context(out, "SessionStart", decision.context());
                }
            }
            default -> {
            }
        }
        return out;
    }

    /**
     * The answer when no decision could be made (the ledger is unavailable, the bridge unreachable): a STOP with
     * {@code reason} for the events that can block, {@code {}} for the others.
     */
    public static ObjectNode refusal(HookEvent event, String reason) {
        return blocks(event) ? output(event, new HookDecision(HookDecision.Outcome.STOP, reason, null, 0))
                : NODES.objectNode();
    }

    /**
     * SHA-256 (hex) of the canonical JSON of {@code value}: object keys sorted at every level, no spaces, so equal
     * inputs hash equal whatever their key order. A missing value hashes as {@code null}.
     */
    public static String hash(JsonNode value) {
        StringBuilder canonical = new StringBuilder();
        canonical(value == null || value.isMissingNode() ? NODES.nullNode() : value, canonical);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * {@code tool_input} as given, or, when it is text holding a JSON object or array (an {@code mcp_tool} hook's
     * {@code "${tool_input}"}), that JSON, so both doors hash the same input alike.
     */
    static JsonNode toolInput(JsonNode given) {
        if (given == null || !given.isTextual()) {
            return given;
        }
        String text = given.asText().strip();
        if (!text.startsWith("{") && !text.startsWith("[")) {
            return given;
        }
        try {
            return Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            return given;
        }
    }

    private static void canonical(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(NODES.textNode(names.get(i)).toString()).append(':');
                canonical(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                canonical(node.get(i), out);
            }
            out.append(']');
        } else {
            out.append(node.toString());
        }
    }

    private static String text(JsonNode input, String field) {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw LedgerException.invalid(field, "must be a string");
        }
        return value.asText();
    }

    private static ObjectNode specific(ObjectNode out, String eventName) {
        return out.putObject("hookSpecificOutput").put("hookEventName", eventName);
    }

    private static void context(ObjectNode out, String eventName, String context) {
        if (context != null && !context.isBlank()) {
            specific(out, eventName).put("additionalContext", context);
        }
    }
}
