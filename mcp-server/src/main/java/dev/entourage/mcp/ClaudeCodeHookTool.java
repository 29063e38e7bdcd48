package dev.entourage.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.http.hooks.ClaudeCodeHookDoor;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value #NAME}: the stdio sidecar as the endpoint of Claude Code's {@code type: "mcp_tool"} hooks. Its arguments
 * are the hook's fields ({@code hook_event_name}, {@code session_id}, {@code tool_name}, {@code tool_input} as an
 * object or as JSON text, {@code cwd}); its text answer is the same hook output JSON as {@code POST
 * /hooks/claude-code}, decided for the sidecar's agent. Bad input is an {@code isError} result, which Claude Code
 * treats as a non-blocking failure; a ledger that cannot be read refuses the events that can block.
 */
final class ClaudeCodeHookTool {
    static final String NAME = "claude_code_hook";
    private static final Logger LOG = LoggerFactory.getLogger(ClaudeCodeHookTool.class);

    private final ClaudeCodeHookDoor door;

    ClaudeCodeHookTool(LedgerServices ledger) {
        this.door = new ClaudeCodeHookDoor(ledger);
    }

    SyncToolSpecification specification(Caller caller) {
        Tool tool = Tool.builder(NAME, inputSchema())
                .title("Claude Code hook")
                .description("For Claude Code's mcp_tool hooks only (PreToolUse, PostToolBatch, UserPromptSubmit, "
                        + "SessionStart, SessionEnd): answers the hook's JSON output with Entourage's decision. Do not "
                        + "call it yourself.")
                .annotations(new ToolAnnotations("Claude Code hook", false, false, false, false, false))
                .build();
        return new SyncToolSpecification(tool, (exchange, request) -> call(caller, request.arguments()));
    }

    private CallToolResult call(Caller caller, Map<String, Object> arguments) {
        try {
            JsonNode input = Json.mapper().valueToTree(arguments == null ? Map.of() : arguments);
            String answer = Json.mapper().writeValueAsString(door.answer(caller.actor(), input, null, null));
            return CallToolResult.builder().addTextContent(answer).isError(false).build();
        } catch (LedgerException e) {
            return CallToolResult.builder().addTextContent(e.code().wireName() + ": " + e.getMessage())
                    .isError(true).build();
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.error("Tool {} failed", NAME, e);
            return CallToolResult.builder().addTextContent("internal: An internal error occurred in " + NAME
                    + "; nothing was written.").isError(true).build();
        }
    }

    private static Map<String, Object> inputSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("hook_event_name", text("The hook event: PreToolUse, PostToolBatch, UserPromptSubmit, "
                + "SessionStart, SessionEnd, Stop, …"));
        properties.put("session_id", text("Claude Code's session id."));
        properties.put("tool_name", text("PreToolUse: the tool about to run."));
        properties.put("tool_input", Map.of("type", List.of("object", "string", "array"),
                "description", "PreToolUse: the tool's input, as an object or as JSON text."));
        properties.put("cwd", text("The session's working directory."));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", List.of("hook_event_name", "session_id"));
        return schema;
    }

    private static Map<String, Object> text(String description) {
        return Map.of("type", "string", "description", description);
    }
}
