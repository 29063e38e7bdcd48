package dev.entourage.http.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.HookDecision;
import dev.entourage.ledger.capture.HookDecision.Outcome;
import dev.entourage.ledger.capture.HookEvent;
import dev.entourage.ledger.capture.HookRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Claude Code hook JSON mapping, on payloads recorded from Claude Code 2.1.332. */
class ClaudeCodeHooksTest {
    private static final String R = "Entourage: team default is over its $10.00 daily limit; resets 00:00 Europe/Paris";

    @TempDir
    Path dir;

    static ObjectNode recorded(String event) {
        try (InputStream in = ClaudeCodeHooksTest.class.getResourceAsStream("/claude-code-hooks/" + event + ".json")) {
            return (ObjectNode) Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static HookDecision decision(Outcome outcome, String context) {
        return new HookDecision(outcome, outcome == Outcome.ALLOW ? null : R, context, 7);
    }

    @Test
    void readsARecordedPreToolUse() {
        HookRequest request = ClaudeCodeHooks.request(recorded("PreToolUse"), null, null);

        assertThat(request.event()).isEqualTo(HookEvent.PRE_TOOL_USE);
        assertThat(request.origin().source()).isEqualTo(CaptureSource.CLAUDE_CODE);
        assertThat(request.origin().externalSessionId()).isEqualTo("73e4f0ed-d038-40cb-b1d6-aa1e2c5c5232");
        assertThat(request.origin().agent()).isNull();
        assertThat(request.toolName()).isEqualTo("Bash");
        assertThat(request.toolInputHash()).hasSize(64).matches("[0-9a-f]{64}")
                .isEqualTo(ClaudeCodeHooks.hash(json("{\"command\":\"echo hi\",\"description\":\"Print hi\"}")));
        assertThat(request.cwd()).isEqualTo("/tmp/e2e1/proj-run1");
        assertThat(request.gitBranch()).isNull();
    }

    @Test
    void mapsEveryEventNameItActsOn() {
        assertThat(ClaudeCodeHooks.request(recorded("PostToolBatch"), Ref.name("eng-1"), "t").event())
                .isEqualTo(HookEvent.POST_TOOL_BATCH);
        assertThat(ClaudeCodeHooks.request(recorded("UserPromptSubmit"), null, null).event())
                .isEqualTo(HookEvent.USER_PROMPT_SUBMIT);
        assertThat(ClaudeCodeHooks.request(recorded("SessionStart"), null, null).event())
                .isEqualTo(HookEvent.SESSION_START);
        assertThat(ClaudeCodeHooks.request(recorded("SessionEnd"), null, null).event())
                .isEqualTo(HookEvent.SESSION_END);
        assertThat(ClaudeCodeHooks.request(recorded("Stop"), null, null).event()).isEqualTo(HookEvent.STOP);
        assertThat(ClaudeCodeHooks.event("SubagentStop")).isEqualTo(HookEvent.SUBAGENT_STOP);
        assertThat(ClaudeCodeHooks.event("Notification")).isEqualTo(HookEvent.OTHER);
        assertThat(ClaudeCodeHooks.event("pretooluse")).isEqualTo(HookEvent.OTHER);
    }

    @Test
    void keepsTheAgentAndTaskItIsGiven() {
        HookRequest request = ClaudeCodeHooks.request(recorded("PostToolBatch"), Ref.name("eng-1"), "fix-login");

        assertThat(request.origin().agent()).isEqualTo(Ref.name("eng-1"));
        assertThat(request.origin().taskName()).isEqualTo("fix-login");
        assertThat(request.toolName()).isNull();
        assertThat(request.toolInputHash()).isNull();
    }

    @Test
    void equalInputsHashEqualWhateverTheirKeyOrder() {
        String a = ClaudeCodeHooks.hash(json("{\"b\": {\"y\": [1, {\"q\": 1, \"p\": 2}], \"x\": null}, \"a\": \"é\"}"));
        String b = ClaudeCodeHooks.hash(json("{\"a\":\"é\",\"b\":{\"x\":null,\"y\":[1,{\"p\":2,\"q\":1}]}}"));
        String other = ClaudeCodeHooks.hash(json("{\"a\":\"é\",\"b\":{\"x\":null,\"y\":[{\"p\":2,\"q\":1},1]}}"));

        assertThat(a).isEqualTo(b).isNotEqualTo(other);
        assertThat(ClaudeCodeHooks.hash(json("{\"command\":\"echo hi\"}")))
                .isNotEqualTo(ClaudeCodeHooks.hash(json("{\"command\":\"echo ho\"}")));
    }

    @Test
    void aToolInputGivenAsJsonTextHashesAsTheJson() {
        ObjectNode asText = recorded("PreToolUse");
        asText.put("tool_input", "{\"description\":\"Print hi\",\"command\":\"echo hi\"}");

        assertThat(ClaudeCodeHooks.request(asText, null, null).toolInputHash())
                .isEqualTo(ClaudeCodeHooks.request(recorded("PreToolUse"), null, null).toolInputHash());
    }

    @Test
    void readsTheBranchAtSessionStart() throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo/.git"));
        Files.writeString(repo.resolve("HEAD"), "ref: refs/heads/feature/login\n");
        Path sub = Files.createDirectories(dir.resolve("repo/src/main"));
        ObjectNode start = recorded("SessionStart").put("cwd", sub.toString());

        HookRequest request = ClaudeCodeHooks.request(start, null, null);

        assertThat(request.cwd()).isEqualTo(sub.toString());
        assertThat(request.gitBranch()).isEqualTo("feature/login");
    }

    @Test
    void readsAWorktreesBranchAndNothingForADetachedHead() throws IOException {
        Path gitdir = Files.createDirectories(dir.resolve("main/.git/worktrees/wt"));
        Files.writeString(gitdir.resolve("HEAD"), "ref: refs/heads/hooks\n");
        Path wt = Files.createDirectories(dir.resolve("wt"));
        Files.writeString(wt.resolve(".git"), "gitdir: " + gitdir + "\n");
        Path detached = Files.createDirectories(dir.resolve("detached/.git"));
        Files.writeString(detached.resolve("HEAD"), "0123456789abcdef0123456789abcdef01234567\n");

        assertThat(GitHead.branch(wt)).isEqualTo("hooks");
        assertThat(GitHead.branch(detached.getParent())).isNull();
        assertThat(GitHead.branch(dir.resolve("nowhere"))).isNull();
        assertThat(GitHead.branch(Path.of("relative/path"))).isNull();
    }

    @Test
    void refusesMalformedInputNamingTheField() {
        assertInvalid(json("[1]"), "body");
        assertInvalid(json("{\"session_id\":\"s\"}"), "hook_event_name");
        assertInvalid(json("{\"session_id\":\"s\",\"hook_event_name\":7}"), "hook_event_name");
        assertInvalid(json("{\"hook_event_name\":\"Stop\"}"), "session_id");
        assertInvalid(json("{\"hook_event_name\":\"Stop\",\"session_id\":\"\"}"), "session_id");
        assertInvalid(json("{\"hook_event_name\":\"Stop\",\"session_id\":\"" + "x".repeat(201) + "\"}"), "session_id");
        assertInvalid(json("{\"hook_event_name\":\"Stop\",\"session_id\":\"s\",\"cwd\":[]}"), "cwd");
        assertInvalid(json("{\"hook_event_name\":\"PreToolUse\",\"session_id\":\"s\",\"tool_input\":{}}"), "tool_name");
    }

    private static void assertInvalid(JsonNode input, String field) {
        assertThatThrownBy(() -> ClaudeCodeHooks.request(input, null, null))
                .isInstanceOfSatisfying(LedgerException.class,
                        e -> assertThat(e.details()).containsEntry("field", field));
    }

    @Test
    void preToolUseStopDeniesAndStops() {
        assertThat(ClaudeCodeHooks.output(HookEvent.PRE_TOOL_USE, decision(Outcome.STOP, null)).toString())
                .isEqualTo("{\"continue\":false,\"stopReason\":\"" + R + "\",\"hookSpecificOutput\":{\"hookEventName\":"
                        + "\"PreToolUse\",\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"" + R + "\"}}");
    }

    @Test
    void preToolUseDenyRefusesOnlyThatCall() {
        assertThat(ClaudeCodeHooks.output(HookEvent.PRE_TOOL_USE, decision(Outcome.DENY_TOOL, null)).toString())
                .isEqualTo("{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\","
                        + "\"permissionDecisionReason\":\"" + R + "\"}}");
    }

    @Test
    void allowIsEmptyOrCarriesTheContext() {
        assertThat(ClaudeCodeHooks.output(HookEvent.PRE_TOOL_USE, decision(Outcome.ALLOW, null)).toString())
                .isEqualTo("{}");
        assertThat(ClaudeCodeHooks.output(HookEvent.PRE_TOOL_USE, decision(Outcome.ALLOW, "$8.00 of $10.00 used"))
                .toString()).isEqualTo("{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\","
                + "\"additionalContext\":\"$8.00 of $10.00 used\"}}");
        assertThat(ClaudeCodeHooks.output(HookEvent.POST_TOOL_BATCH, decision(Outcome.ALLOW, "$8 of $10 used"))
                .at("/hookSpecificOutput/hookEventName").asText()).isEqualTo("PostToolBatch");
        assertThat(ClaudeCodeHooks.output(HookEvent.USER_PROMPT_SUBMIT, decision(Outcome.ALLOW, "$8 of $10 used"))
                .at("/hookSpecificOutput/additionalContext").asText()).isEqualTo("$8 of $10 used");
        assertThat(ClaudeCodeHooks.output(HookEvent.SESSION_START, decision(Outcome.ALLOW, "$8 of $10 used"))
                .at("/hookSpecificOutput/hookEventName").asText()).isEqualTo("SessionStart");
    }

    @Test
    void postToolBatchStopEndsTheLoop() {
        assertThat(ClaudeCodeHooks.output(HookEvent.POST_TOOL_BATCH, decision(Outcome.STOP, null)).toString())
                .isEqualTo("{\"continue\":false,\"stopReason\":\"" + R + "\"}");
    }

    @Test
    void userPromptSubmitStopBlocksThePrompt() {
        assertThat(ClaudeCodeHooks.output(HookEvent.USER_PROMPT_SUBMIT, decision(Outcome.STOP, null)).toString())
                .isEqualTo("{\"decision\":\"block\",\"reason\":\"" + R + "\"}");
    }

    @Test
    void stopSubagentStopAndSessionEndNeverBlock() {
        for (HookEvent event : new HookEvent[] {HookEvent.STOP, HookEvent.SUBAGENT_STOP, HookEvent.SESSION_END,
                HookEvent.OTHER}) {
            for (Outcome outcome : Outcome.values()) {
                assertThat(ClaudeCodeHooks.output(event, decision(outcome, "ctx")).toString()).as(event + " " + outcome)
                        .isEqualTo("{}");
            }
            assertThat(ClaudeCodeHooks.refusal(event, R).toString()).isEqualTo("{}");
        }
    }

    @Test
    void sessionStartCannotBlockSoItTellsTheUserAndTheModel() {
        ObjectNode out = ClaudeCodeHooks.output(HookEvent.SESSION_START, decision(Outcome.STOP, null));

        assertThat(out.has("continue")).isFalse();
        assertThat(out.get("systemMessage").asText()).isEqualTo(R);
        assertThat(out.at("/hookSpecificOutput/additionalContext").asText()).startsWith(R);
        assertThat(ClaudeCodeHooks.refusal(HookEvent.SESSION_START, R).toString()).isEqualTo("{}");
    }

    @Test
    void aRefusalStopsTheEventsThatCanBlock() {
        assertThat(ClaudeCodeHooks.refusal(HookEvent.PRE_TOOL_USE, R).get("continue").asBoolean()).isFalse();
        assertThat(ClaudeCodeHooks.refusal(HookEvent.POST_TOOL_BATCH, R).get("stopReason").asText()).isEqualTo(R);
        assertThat(ClaudeCodeHooks.refusal(HookEvent.USER_PROMPT_SUBMIT, R).get("decision").asText())
                .isEqualTo("block");
        assertThat(ClaudeCodeHooks.eventOf(recorded("UserPromptSubmit"))).isEqualTo(HookEvent.USER_PROMPT_SUBMIT);
        assertThat(ClaudeCodeHooks.eventOf(json("{\"hook_event_name\": 3}"))).isEqualTo(HookEvent.OTHER);
        assertThat(ClaudeCodeHooks.eventOf(null)).isEqualTo(HookEvent.OTHER);
    }
}
