package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.app.Ledger;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SessionStatus;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code entourage mcp} process as Claude Code starts it: the {@code claude_code_hook} tool of
 * {@code type: "mcp_tool"} hooks, and the binding to {@code CLAUDE_CODE_SESSION_ID}.
 */
class ClaudeCodeSidecarIT {
    private static final String TEAM_OVER = "Entourage: team default is over its $10.00 daily limit; resets 00:00 "
            + "Europe/Paris";

    @TempDir
    Path dir;

    /** The arguments an {@code mcp_tool} hook passes (its {@code input} with Claude Code's interpolation). */
    private static Map<String, Object> hook(String event, String sessionId) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("hook_event_name", event);
        input.put("session_id", sessionId);
        input.put("cwd", "/tmp/project");
        if (event.equals("PreToolUse")) {
            input.put("tool_name", "Bash");
            input.put("tool_input", "{\"command\":\"echo hi\",\"description\":\"Print hi\"}");
        }
        return input;
    }

    private static McpSchema.CallToolResult call(Sidecar sidecar, String tool, Map<String, Object> arguments) {
        return sidecar.client().callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void theHookToolAnswersClaudeCodesHookJsonAsText() throws Exception {
        Path db = dir.resolve("ledger.db");
        new Cli(db).ok("teams", "set", "default", "--daily-limit", "10", "--timezone", "Europe/Paris");
        try (Sidecar sidecar = new Sidecar(db, "eng-1")) {
            McpSchema.CallToolResult within = call(sidecar, ClaudeCodeHookTool.NAME, hook("PreToolUse", "cc-1"));
            assertThat(within.isError()).as(text(within)).isFalse();
            assertThat(text(within)).isEqualTo("{}");

            sidecar.call("start_session", Map.of());
            sidecar.call("report_usage", Map.of("input_tokens", 1, "output_tokens", 1, "cost_usd", 12));

            JsonNode stop = Sidecar.MAPPER.readTree(text(call(sidecar, ClaudeCodeHookTool.NAME,
                    hook("PreToolUse", "cc-1"))));
            assertThat(stop.get("continue").asBoolean()).isFalse();
            assertThat(stop.get("stopReason").asText()).isEqualTo(TEAM_OVER);
            assertThat(stop.at("/hookSpecificOutput/permissionDecision").asText()).isEqualTo("deny");
            assertThat(text(call(sidecar, ClaudeCodeHookTool.NAME, hook("UserPromptSubmit", "cc-1"))))
                    .isEqualTo("{\"decision\":\"block\",\"reason\":\"" + TEAM_OVER + "\"}");
            assertThat(text(call(sidecar, ClaudeCodeHookTool.NAME, hook("Stop", "cc-1")))).isEqualTo("{}");

            McpSchema.CallToolResult bad = call(sidecar, ClaudeCodeHookTool.NAME, Map.of("hook_event_name", "Stop"));
            assertThat(bad.isError()).isTrue();
            assertThat(text(bad)).startsWith("invalid_request: session_id");
        }
    }

    @Test
    void aSidecarStartedByClaudeCodeJoinsItsSessionSoToolsAndHooksShareIt() throws Exception {
        Path db = dir.resolve("ledger.db");
        Path project = Files.createDirectories(dir.resolve("project/.git")).getParent();
        Files.writeString(project.resolve(".git/HEAD"), "ref: refs/heads/fix-login\n");
        long sessionId;
        try (Sidecar sidecar = new Sidecar(db, "eng-1", Map.of("CLAUDE_CODE_SESSION_ID", "cc-bound",
                "CLAUDE_PROJECT_DIR", project.toString()))) {
            ToolAnswer started = sidecar.call("start_session", Map.of());
            assertThat(started.isError()).as(started.text()).isFalse();
            sessionId = started.structured().get("session_id").asLong();
            assertThat(started.text()).contains("cc-bound");
            ToolAnswer again = sidecar.call("start_session", Map.of());
            assertThat(again.structured().get("session_id").asLong()).as("joined, not a new one").isEqualTo(sessionId);
            ToolAnswer reported = sidecar.call("report_usage", Map.of("input_tokens", 100, "output_tokens", 10));
            assertThat(reported.structured().get("session_id").asLong()).isEqualTo(sessionId);
        }
        try (BridgeFixture bridge = new BridgeFixture(db)) {
            Session bound = bridge.ledger().services().sessions().get(Actor.local(), sessionId);
            assertThat(bound.status()).as("the client leaving does not end Claude Code's session")
                    .isEqualTo(SessionStatus.ACTIVE);
            assertThat(bound.capture().source()).isEqualTo("claude_code");
            assertThat(bound.capture().externalId()).isEqualTo("cc-bound");
            assertThat(bound.capture().cwd()).isEqualTo(project.toString());
            assertThat(bound.capture().gitBranch()).isEqualTo("fix-login");

            HttpResponse<String> end = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(bridge.uri() + "/hooks/claude-code"))
                    .header("X-API-Key", bridge.agentKey("eng-1")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Sidecar.MAPPER.writeValueAsString(
                            hook("SessionEnd", "cc-bound")))).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(end.statusCode()).as(end.body()).isEqualTo(200);
            assertThat(bridge.ledger().services().sessions().get(Actor.local(), sessionId).status())
                    .as("the hook ended the session the tools used").isEqualTo(SessionStatus.ENDED);
        }
    }

    @Test
    void withoutTheVariableStartSessionOpensANewSessionEachTime() {
        Path db = dir.resolve("ledger.db");
        try (Sidecar sidecar = new Sidecar(db, "eng-1")) {
            long first = sidecar.call("start_session", Map.of()).structured().get("session_id").asLong();
            long second = sidecar.call("start_session", Map.of()).structured().get("session_id").asLong();
            assertThat(second).isNotEqualTo(first);
        }
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            assertThat(ledger.services().sessions().get(Actor.local(), 1).capture().externalId()).isNull();
        }
    }
}
