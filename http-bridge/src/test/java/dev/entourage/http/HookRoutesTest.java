package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.hooks.ClaudeCodeHookDoor;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.Change;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SessionQuery;
import dev.entourage.ledger.SessionStatus;
import dev.entourage.ledger.TeamSettings;
import dev.entourage.ledger.access.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /hooks/claude-code} on a real bridge over real SQLite, with hook bodies recorded from Claude Code
 * 2.1.332: the decisions Claude Code reads, the session lifecycle, the loop guard, and what is refused.
 */
class HookRoutesTest {
    private static final String PATH = "/hooks/claude-code";
    private static final String TEAM_OVER = "Entourage: team default is over its $10.00 daily limit; resets 00:00 "
            + "Europe/Paris";

    @TempDir
    Path dir;

    private Harness h;
    private String agentKey;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}");
        agentKey = h.key(Role.AGENT, "eng-1");
        Harness.Answer team = h.admin("PATCH", "/api/v1/settings/teams/default",
                "{\"daily_cost_limit_usd\": 10, \"timezone\": \"Europe/Paris\"}");
        assertThat(team.status()).as(team.toString()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static ObjectNode recorded(String event, String sessionId) {
        try (InputStream in = HookRoutesTest.class.getResourceAsStream("/claude-code-hooks/" + event + ".json")) {
            return ((ObjectNode) Json.mapper().readTree(in)).put("session_id", sessionId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Harness.Answer hook(String key, JsonNode body, String... headers) {
        String[] all = new String[headers.length + 4];
        all[0] = "X-API-Key";
        all[1] = key;
        all[2] = "Content-Type";
        all[3] = "application/json";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return h.call("POST", PATH, body.toString(), all);
    }

    private JsonNode decided(JsonNode body) {
        Harness.Answer answer = hook(agentKey, body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json();
    }

    /** Spends {@code usd} for eng-1 in a session of its own (self-reported, so it is charged). */
    private void spend(String usd) {
        long session = h.admin("POST", "/api/v1/agents/eng-1/sessions", "{}").json().get("id").asLong();
        Harness.Answer report = h.admin("POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 1, \"output_tokens\": 1, \"cost_usd\": " + usd + "}");
        assertThat(report.status()).as(report.toString()).isEqualTo(201);
    }

    private Session external(String sessionId) {
        List<Session> sessions = h.ledger.sessions().list(Actor.local(), Ref.name("eng-1"),
                new SessionQuery(null, null, 100));
        return sessions.stream().filter(s -> sessionId.equals(s.capture().externalId())).findFirst().orElseThrow();
    }

    private void setLoopGuard(Integer max) {
        h.ledger.settings().setTeam(Actor.local(), "default", new TeamSettings(Change.keep(), Change.keep(),
                Change.keep(), Change.keep(), Change.keep(), Change.keep(), Change.keep())
                .withMaxRepeatedToolCalls(Change.to(max)));
    }

    @Test
    void preToolUseOverBudgetIsDeniedAndStopsWithTheReason() {
        spend("12");

        JsonNode answer = decided(recorded("PreToolUse", "cc-1"));

        assertThat(answer.toString()).isEqualTo("{\"continue\":false,\"stopReason\":\"" + TEAM_OVER + "\","
                + "\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\","
                + "\"permissionDecisionReason\":\"" + TEAM_OVER + "\"}}");
    }

    @Test
    void postToolBatchOverBudgetEndsTheLoop() {
        spend("12");

        assertThat(decided(recorded("PostToolBatch", "cc-1")).toString())
                .isEqualTo("{\"continue\":false,\"stopReason\":\"" + TEAM_OVER + "\"}");
    }

    @Test
    void userPromptSubmitOverBudgetBlocksThePrompt() {
        spend("12");

        assertThat(decided(recorded("UserPromptSubmit", "cc-1")).toString())
                .isEqualTo("{\"decision\":\"block\",\"reason\":\"" + TEAM_OVER + "\"}");
    }

    @Test
    void stopIsNeverBlockedEvenOverBudget() {
        spend("12");

        assertThat(decided(recorded("Stop", "cc-1")).toString()).isEqualTo("{}");
        assertThat(decided(recorded("SessionEnd", "cc-1")).toString()).isEqualTo("{}");
    }

    @Test
    void withinBudgetThePreToolUseIsLeftToTheUsersPermissions() {
        assertThat(decided(recorded("PreToolUse", "cc-1")).toString()).isEqualTo("{}");
        assertThat(decided(recorded("PostToolBatch", "cc-1")).toString()).isEqualTo("{}");
    }

    @Test
    void theModelIsToldWhatIsUsedOncePerThresholdCrossed() {
        spend("8.5");

        JsonNode first = decided(recorded("PreToolUse", "cc-1"));
        JsonNode second = decided(recorded("PreToolUse", "cc-1"));

        assertThat(first.at("/hookSpecificOutput/hookEventName").asText()).isEqualTo("PreToolUse");
        assertThat(first.at("/hookSpecificOutput/additionalContext").asText())
                .contains("$8.50 of $10.00 used (85%)").contains("team default");
        assertThat(first.at("/hookSpecificOutput/permissionDecision").isMissingNode()).isTrue();
        assertThat(second.toString()).isEqualTo("{}");
    }

    @Test
    void theLoopGuardDeniesTheNthSameCallInARow() {
        setLoopGuard(3);

        assertThat(decided(recorded("PreToolUse", "cc-1")).toString()).isEqualTo("{}");
        assertThat(decided(recorded("PreToolUse", "cc-1")).toString()).isEqualTo("{}");
        JsonNode third = decided(recorded("PreToolUse", "cc-1"));
        ObjectNode other = recorded("PreToolUse", "cc-1");
        other.putObject("tool_input").put("command", "npm test");

        assertThat(third.toString()).isEqualTo("{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\","
                + "\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"Entourage: Bash was called 3 times "
                + "in a row with the same input (max_repeated_tool_calls 3)\"}}");
        assertThat(decided(other).toString()).isEqualTo("{}");
        assertThat(decided(recorded("PreToolUse", "cc-2")).toString()).as("another session counts alone")
                .isEqualTo("{}");
    }

    @Test
    void sessionStartAndEndOpenAndEndTheSessionKeyedByClaudeCodesId() throws IOException {
        Path project = Files.createDirectories(dir.resolve("project/.git")).getParent();
        Files.writeString(project.resolve(".git/HEAD"), "ref: refs/heads/fix-login\n");

        assertThat(decided(recorded("SessionStart", "cc-life").put("cwd", project.toString())).toString())
                .isEqualTo("{}");
        Session opened = external("cc-life");
        assertThat(opened.status()).isEqualTo(SessionStatus.ACTIVE);
        assertThat(opened.capture().source()).isEqualTo("claude_code");
        assertThat(opened.capture().cwd()).isEqualTo(project.toString());
        assertThat(opened.capture().gitBranch()).isEqualTo("fix-login");

        decided(recorded("PreToolUse", "cc-life"));
        assertThat(external("cc-life").id()).as("the same session").isEqualTo(opened.id());
        decided(recorded("SessionEnd", "cc-life"));

        assertThat(external("cc-life").status()).isEqualTo(SessionStatus.ENDED);
    }

    @Test
    void anAdminKeyNamesTheAgentAndTaskInHeadersAndBearerWorksToo() {
        Harness.Answer answer = h.call("POST", PATH, recorded("PreToolUse", "cc-admin").toString(),
                "Authorization", "Bearer " + h.adminKey, "Content-Type", "application/json",
                "X-Entourage-Agent", "eng-1", "X-Entourage-Task", "fix-login");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(external("cc-admin").taskId()).isNotNull();
    }

    @Test
    void anAdminKeyWithoutTheAgentHeaderIsRefusedNamingIt() {
        Harness.Answer answer = hook(h.adminKey, recorded("PreToolUse", "cc-1"));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.json().at("/error/details/field").asText()).isEqualTo("X-Entourage-Agent");
    }

    @Test
    void badInputIsA400NamingTheFieldAndWritesNothing() {
        Harness.Answer notJson = h.call("POST", PATH, "{\"hook_event_name\": \"PreToolUse\",", "X-API-Key", agentKey,
                "Content-Type", "application/json");
        ObjectNode noSession = recorded("PreToolUse", "x");
        noSession.remove("session_id");
        ObjectNode noTool = recorded("PreToolUse", "cc-bad");
        noTool.remove("tool_name");

        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().at("/error/details/field").asText()).isEqualTo("body");
        Harness.Answer missing = hook(agentKey, noSession);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().at("/error/details/field").asText()).isEqualTo("session_id");
        Harness.Answer tool = hook(agentKey, noTool);
        assertThat(tool.status()).isEqualTo(400);
        assertThat(tool.json().at("/error/details/field").asText()).isEqualTo("tool_name");
        assertThat(h.call("POST", PATH, null, "X-API-Key", agentKey).status()).isEqualTo(400);
        assertThat(h.ledger.sessions().list(Actor.local(), Ref.name("eng-1"), new SessionQuery(null, null, 100)))
                .noneMatch(s -> s.capture().externalId() != null);
    }

    @Test
    void anotherTeamsAgentIsNotFound() {
        h.ledger.settings().setTeam(Actor.local(), "other", new TeamSettings(Change.keep(), Change.keep(),
                Change.keep(), Change.keep(), Change.keep(), Change.keep(), Change.keep()));
        h.ledger.settings().setAgent(Actor.local(), "stranger", Ref.name("other"),
                new AgentSettings(Change.keep(), Change.keep()));

        Harness.Answer answer = hook(h.adminKey, recorded("PreToolUse", "cc-1"), "X-Entourage-Agent", "stranger");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
        assertThat(answer.body()).doesNotContain("other");
    }

    @Test
    void credentialsAreCheckedAsOnEveryRoute() {
        assertThat(h.call("POST", PATH, recorded("PreToolUse", "cc-1").toString(), "Content-Type",
                "application/json").status()).isEqualTo(401);
        assertThat(hook("oc_not_a_key", recorded("PreToolUse", "cc-1")).status()).isEqualTo(401);
        Harness.Answer viewer = hook(h.key(Role.VIEWER, null), recorded("PreToolUse", "cc-1"),
                "X-Entourage-Agent", "eng-1");
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(h.call("GET", PATH, null, "X-API-Key", agentKey).status()).isEqualTo(405);
    }

    @Test
    void hookCallsAreRateLimitedLikeEveryRoute() {
        h.close();
        h = Harness.start(dir.resolve("limited"), new BridgeConfig("127.0.0.1", 0, 3, false), java.util.Map.of());
        h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}");
        agentKey = h.key(Role.AGENT, "eng-1");

        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(hook(agentKey, recorded("PreToolUse", "cc-1")).status());
        }
        Harness.Answer limited = hook(agentKey, recorded("PreToolUse", "cc-1"));

        assertThat(statuses.subList(0, 3)).containsOnly(200);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isNotNull();
        assertThat(limited.errorCode()).isEqualTo("rate_limited");
    }

    @Test
    void aLedgerThatCannotBeWrittenRefusesTheBlockingEventsAndAllowsTheRest() throws Exception {
        try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entourage.db"));
             Statement statement = locker.createStatement()) {
            statement.execute("BEGIN EXCLUSIVE");

            JsonNode refused = decided(recorded("PreToolUse", "cc-new"));
            JsonNode stop = decided(recorded("Stop", "cc-new-2"));

            statement.execute("ROLLBACK");
            assertThat(refused.get("continue").asBoolean()).isFalse();
            assertThat(refused.get("stopReason").asText()).isEqualTo(ClaudeCodeHookDoor.STORAGE_REFUSAL);
            assertThat(refused.at("/hookSpecificOutput/permissionDecision").asText()).isEqualTo("deny");
            assertThat(stop.toString()).isEqualTo("{}");
        }
        assertThat(decided(recorded("PreToolUse", "cc-new")).toString()).as("recovers by itself").isEqualTo("{}");
    }
}
