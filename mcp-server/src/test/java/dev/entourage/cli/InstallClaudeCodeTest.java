package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.app.Ledger;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.access.ApiKeyFormat;
import dev.entourage.ledger.access.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code entourage install|uninstall claude-code} on real files under a temporary {@code HOME}: every other setting
 * kept, a backup, 0600, idempotent, a dry run that prints the diff and writes nothing, and an uninstall that takes
 * out exactly Entourage's entries even after the user added hooks beside them.
 */
class InstallClaudeCodeTest {
    private static final String USER_SETTINGS = """
            {
              "model": "opus",
              "env": {
                "FOO": "bar"
              },
              "permissions": {
                "allow": [
                  "Bash(npm test)"
                ]
              },
              "hooks": {
                "PreToolUse": [
                  {
                    "matcher": "Bash",
                    "hooks": [
                      {
                        "type": "command",
                        "command": "./lint.sh"
                      }
                    ]
                  }
                ]
              }
            }
            """;
    private static final String CLAUDE_JSON = "{\"numStartups\": 3, \"mcpServers\": {\"other\": {\"type\": \"stdio\", "
            + "\"command\": \"other-server\", \"args\": []}}, \"projects\": {\"/x\": {\"allowedTools\": []}}}";

    @TempDir
    Path dir;

    private final String key = ApiKeyFormat.generate(new SecureRandom());

    private Path home() {
        return dir.resolve("home");
    }

    private Path settings() {
        return home().resolve(".claude/settings.json");
    }

    private Path claudeJson() {
        return home().resolve(".claude.json");
    }

    private CliRunner.Run entourage(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--db", dir.resolve("ledger.db").toString()));
        return CliRunner.execute(Map.of("HOME", home().toString(), "ENTOURAGE_KEY", key), null,
                all.toArray(String[]::new));
    }

    private void userFiles() throws IOException {
        Files.createDirectories(settings().getParent());
        Files.writeString(settings(), USER_SETTINGS);
        Files.writeString(claudeJson(), CLAUDE_JSON);
    }

    private static JsonNode json(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    private static JsonNode parse(String text) throws IOException {
        return Json.mapper().readTree(text);
    }

    @Test
    void mergesTelemetryHooksAndTheMcpServerKeepingEverythingElse() throws IOException {
        userFiles();
        CliRunner.Run run = entourage("install", "claude-code", "--agent", "eng-1");
        assertThat(run.code()).as(run.err()).isZero();

        JsonNode s = json(settings());
        assertThat(s.path("model").asText()).isEqualTo("opus");
        assertThat(s.path("permissions")).isEqualTo(parse(USER_SETTINGS).path("permissions"));
        JsonNode env = s.path("env");
        assertThat(env.path("FOO").asText()).isEqualTo("bar");
        assertThat(env.path("CLAUDE_CODE_ENABLE_TELEMETRY").asText()).isEqualTo("1");
        assertThat(env.path("OTEL_LOGS_EXPORTER").asText()).isEqualTo("otlp");
        assertThat(env.path("OTEL_METRICS_EXPORTER").asText()).isEqualTo("otlp");
        assertThat(env.path("OTEL_EXPORTER_OTLP_PROTOCOL").asText()).isEqualTo("http/protobuf");
        assertThat(env.path("OTEL_EXPORTER_OTLP_ENDPOINT").asText()).isEqualTo("http://127.0.0.1:8000");
        assertThat(env.path("OTEL_EXPORTER_OTLP_HEADERS").asText()).isEqualTo("X-API-Key=" + key);
        assertThat(env.path("OTEL_RESOURCE_ATTRIBUTES").asText()).isEqualTo("entourage.agent=eng-1");
        assertThat(env.path("OTEL_LOGS_EXPORT_INTERVAL").asText()).isEqualTo("1000");

        JsonNode hooks = s.path("hooks");
        assertThat(hooks.path("PreToolUse")).hasSize(2);
        assertThat(hooks.path("PreToolUse").get(0).path("hooks").get(0).path("command").asText()).isEqualTo("./lint.sh");
        JsonNode pre = hooks.path("PreToolUse").get(1);
        assertThat(pre.path("matcher").asText()).isEqualTo("*");
        JsonNode http = pre.path("hooks").get(0);
        assertThat(http.path("type").asText()).isEqualTo("http");
        assertThat(http.path("url").asText()).isEqualTo("http://127.0.0.1:8000/hooks/claude-code");
        assertThat(http.path("headers").path("X-API-Key").asText()).isEqualTo(key);
        assertThat(http.path("headers").path("X-Entourage-Agent").asText()).isEqualTo("eng-1");
        for (String event : List.of("UserPromptSubmit", "PostToolBatch", "SessionEnd")) {
            assertThat(hooks.path(event).get(0).path("hooks").get(0).path("type").asText()).as(event).isEqualTo("http");
        }
        JsonNode start = hooks.path("SessionStart").get(0).path("hooks").get(0);
        assertThat(start.path("type").asText()).as("Claude Code runs no http hooks at SessionStart")
                .isEqualTo("command");
        assertThat(start.path("command").asText()).contains(" hook --url http://127.0.0.1:8000 --key " + key
                + " --agent eng-1");

        JsonNode claude = json(claudeJson());
        assertThat(claude.path("numStartups").asInt()).isEqualTo(3);
        assertThat(claude.path("projects")).isEqualTo(parse(CLAUDE_JSON).path("projects"));
        assertThat(claude.path("mcpServers").path("other").path("command").asText()).isEqualTo("other-server");
        JsonNode server = claude.path("mcpServers").path("entourage");
        assertThat(server.path("type").asText()).isEqualTo("stdio");
        assertThat(server.path("args").toString()).contains("\"mcp\",\"--agent\",\"eng-1\",\"--db\",\""
                + dir.resolve("ledger.db") + "\"");

        assertThat(Files.readString(home().resolve(".claude/settings.json.entourage-backup"))).isEqualTo(USER_SETTINGS);
        assertThat(Files.readString(home().resolve(".claude.json.entourage-backup"))).isEqualTo(CLAUDE_JSON);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(claudeJson()))).isEqualTo("rw-------");
        assertThat(run.out()).contains("0600").contains(settings().toString());
    }

    @Test
    void runningItTwiceChangesNothingTheSecondTime() throws IOException {
        userFiles();
        assertThat(entourage("install", "claude-code", "--agent", "eng-1").code()).isZero();
        String settings = Files.readString(settings());
        String claude = Files.readString(claudeJson());
        List<Path> before = listing(home());

        CliRunner.Run again = entourage("install", "claude-code", "--agent", "eng-1");

        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains(settings() + ": already up to date").contains(claudeJson()
                + ": already up to date");
        assertThat(Files.readString(settings())).isEqualTo(settings);
        assertThat(Files.readString(claudeJson())).isEqualTo(claude);
        assertThat(listing(home())).as("no second backup").isEqualTo(before);
    }

    @Test
    void aDryRunPrintsTheDiffAndWritesNothing() throws IOException {
        userFiles();
        List<Path> before = listing(home());

        CliRunner.Run dry = entourage("install", "claude-code", "--agent", "eng-1", "--dry-run");

        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(Files.readString(settings())).isEqualTo(USER_SETTINGS);
        assertThat(Files.readString(claudeJson())).isEqualTo(CLAUDE_JSON);
        assertThat(listing(home())).isEqualTo(before);
        assertThat(dry.out()).contains("--- " + settings(), "+++ " + settings(), "@@ -",
                "+    \"CLAUDE_CODE_ENABLE_TELEMETRY\": \"1\",", "   \"model\": \"opus\",",
                "+            \"url\": \"http://127.0.0.1:8000/hooks/claude-code\",", "Dry run: nothing was written.");
        assertThat(dry.out()).doesNotContain("-  \"model\"");
    }

    @Test
    void uninstallTakesOutExactlyItsEntriesEvenBesideHooksTheUserAddedLater() throws IOException {
        userFiles();
        assertThat(entourage("install", "claude-code", "--agent", "eng-1").code()).isZero();
        ObjectNode edited = (ObjectNode) json(settings());
        ObjectNode mine = Json.mapper().createObjectNode().put("type", "command").put("command", "./audit.sh");
        ((ArrayNode) edited.path("hooks").path("PreToolUse").get(1).path("hooks")).add(mine.deepCopy());
        ((ObjectNode) edited.path("hooks")).putArray("Stop").addObject().putArray("hooks").add(mine.deepCopy());
        ((ObjectNode) edited.path("env")).put("BAR", "baz");
        Files.writeString(settings(), Json.mapper().writeValueAsString(edited));

        CliRunner.Run run = entourage("uninstall", "claude-code");

        assertThat(run.code()).as(run.err()).isZero();
        ObjectNode expected = (ObjectNode) parse(USER_SETTINGS);
        ((ObjectNode) expected.path("env")).put("BAR", "baz");
        ArrayNode pre = (ArrayNode) expected.path("hooks").path("PreToolUse");
        pre.addObject().put("matcher", "*").putArray("hooks").add(mine.deepCopy());
        ((ObjectNode) expected.path("hooks")).putArray("Stop").addObject().putArray("hooks").add(mine.deepCopy());
        assertThat(json(settings())).isEqualTo(expected);
        assertThat(json(claudeJson())).isEqualTo(parse(CLAUDE_JSON));
    }

    @Test
    void uninstallAfterAFreshInstallGivesBackTheSameJson() throws IOException {
        userFiles();
        assertThat(entourage("install", "claude-code", "--agent", "eng-1", "--task", "nightly", "--fail-closed")
                .code()).isZero();
        assertThat(entourage("uninstall", "claude-code").code()).isZero();
        assertThat(json(settings())).isEqualTo(parse(USER_SETTINGS));
        assertThat(json(claudeJson())).isEqualTo(parse(CLAUDE_JSON));
        assertThat(entourage("uninstall", "claude-code").out()).contains("already up to date");
    }

    @Test
    void failClosedRunsEntourageHookForTheBlockingEvents() throws IOException {
        CliRunner.Run run = entourage("install", "claude-code", "--agent", "eng-1", "--fail-closed",
                "--entourage", "/opt/entourage/entourage");
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode hooks = json(settings()).path("hooks");
        for (String event : List.of("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolBatch")) {
            JsonNode hook = hooks.path(event).get(0).path("hooks").get(0);
            assertThat(hook.path("type").asText()).as(event).isEqualTo("command");
            assertThat(hook.path("command").asText()).as(event).isEqualTo("/opt/entourage/entourage hook --url "
                    + "http://127.0.0.1:8000 --key " + key + " --agent eng-1");
        }
        assertThat(hooks.path("SessionEnd").get(0).path("hooks").get(0).path("type").asText()).isEqualTo("http");
        assertThat(json(claudeJson()).path("mcpServers").path("entourage").path("command").asText())
                .isEqualTo("/opt/entourage/entourage");
    }

    @Test
    void projectScopeWritesTheProjectAndPutsTheTelemetrySwitchInTheUserSettings() throws IOException {
        Path project = dir.resolve("project");
        Files.createDirectories(project.resolve(".claude"));
        Files.writeString(project.resolve(".claude/settings.json"), "{\"permissions\": {\"deny\": [\"Read(.env)\"]}}");

        CliRunner.Run run = entourage("install", "claude-code", "--scope", "project", "--project", project.toString(),
                "--agent", "eng-1", "--url", "http://localhost:9000/");

        assertThat(run.code()).as(run.err()).isZero();
        JsonNode projectSettings = json(project.resolve(".claude/settings.json"));
        assertThat(projectSettings.path("permissions").path("deny").get(0).asText()).isEqualTo("Read(.env)");
        assertThat(projectSettings.path("env").path("OTEL_RESOURCE_ATTRIBUTES").asText())
                .isEqualTo("entourage.agent=eng-1");
        assertThat(projectSettings.path("env").has("OTEL_EXPORTER_OTLP_ENDPOINT"))
                .as("Claude Code ignores it in project settings").isFalse();
        assertThat(projectSettings.path("hooks").path("PreToolUse").get(0).path("hooks").get(0).path("url").asText())
                .isEqualTo("http://localhost:9000/hooks/claude-code");
        assertThat(json(project.resolve(".mcp.json")).path("mcpServers").path("entourage").path("type").asText())
                .isEqualTo("stdio");
        JsonNode userEnv = json(settings()).path("env");
        assertThat(userEnv.path("OTEL_EXPORTER_OTLP_ENDPOINT").asText()).isEqualTo("http://localhost:9000");
        assertThat(userEnv.path("OTEL_EXPORTER_OTLP_HEADERS").asText()).isEqualTo("X-API-Key=" + key);
        assertThat(userEnv.has("OTEL_RESOURCE_ATTRIBUTES")).isFalse();
        assertThat(json(settings()).has("hooks")).isFalse();
        assertThat(run.out()).contains("keep it out of version control");

        CliRunner.Run off = entourage("uninstall", "claude-code", "--scope", "project", "--project",
                project.toString());

        assertThat(off.code()).as(off.err()).isZero();
        assertThat(json(project.resolve(".claude/settings.json")))
                .isEqualTo(Json.mapper().readTree("{\"permissions\": {\"deny\": [\"Read(.env)\"]}}"));
        assertThat(json(project.resolve(".mcp.json"))).isEmpty();
        assertThat(json(settings())).isEmpty();
    }

    @Test
    void someoneElsesTelemetryIsRefusedUnlessForcedAndTheBackupKeepsIt() throws IOException {
        Files.createDirectories(settings().getParent());
        String theirs = "{\"env\": {\"OTEL_EXPORTER_OTLP_ENDPOINT\": \"http://collector:4318\", "
                + "\"CLAUDE_CODE_ENABLE_TELEMETRY\": \"1\"}}";
        Files.writeString(settings(), theirs);

        CliRunner.Run refused = entourage("install", "claude-code", "--agent", "eng-1");

        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("already sets OTEL_EXPORTER_OTLP_ENDPOINT").contains("--force")
                .doesNotContain("CLAUDE_CODE_ENABLE_TELEMETRY");
        assertThat(Files.readString(settings())).isEqualTo(theirs);
        assertThat(claudeJson()).doesNotExist();

        CliRunner.Run forced = entourage("install", "claude-code", "--agent", "eng-1", "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(json(settings()).path("env").path("OTEL_EXPORTER_OTLP_ENDPOINT").asText())
                .isEqualTo("http://127.0.0.1:8000");
        assertThat(Files.readString(home().resolve(".claude/settings.json.entourage-backup"))).isEqualTo(theirs);

        assertThat(entourage("uninstall", "claude-code").code()).isZero();
        assertThat(json(settings())).as("the variable that was theirs with the same value stays")
                .isEqualTo(Json.mapper().readTree("{\"env\": {\"CLAUDE_CODE_ENABLE_TELEMETRY\": \"1\"}}"));
    }

    @Test
    void aFileThatIsNotJsonIsLeftAlone() throws IOException {
        Files.createDirectories(settings().getParent());
        Files.writeString(settings(), "{\"model\": \"opus\",");
        CliRunner.Run run = entourage("install", "claude-code", "--agent", "eng-1");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains(settings() + " is not valid JSON").contains("nothing was changed");
        assertThat(Files.readString(settings())).isEqualTo("{\"model\": \"opus\",");
    }

    @Test
    void aMissingKeyIsAUsageErrorThatSaysHowToMakeOne() {
        CliRunner.Run run = CliRunner.execute(Map.of("HOME", home().toString()), null, "install", "claude-code",
                "--agent", "eng-1", "--db", dir.resolve("ledger.db").toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--key is required").contains("ENTOURAGE_KEY")
                .contains("entourage keys create --role agent --agent NAME");
        assertThat(settings()).doesNotExist();
    }

    @Test
    void theKeyIsCheckedAgainstTheLocalLedgerAndNamesTheAgent() throws IOException {
        Path db = dir.resolve("ledger.db");
        String agentKey;
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            agentKey = ledger.access().createKey("default", Role.AGENT, "eng-1", "test").secret();
        }
        Map<String, String> env = Map.of("HOME", home().toString(), "USER", "someone");

        CliRunner.Run other = CliRunner.execute(env, null, "install", "claude-code", "--key", agentKey, "--agent",
                "eng-2", "--db", db.toString());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("the key is agent eng-1's, not eng-2's");

        CliRunner.Run unknown = CliRunner.execute(env, null, "install", "claude-code", "--key", key, "--db",
                db.toString());
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("the key is not known to the ledger at " + db);
        assertThat(settings()).doesNotExist();

        CliRunner.Run named = CliRunner.execute(env, null, "install", "claude-code", "--key", agentKey, "--db",
                db.toString());
        assertThat(named.code()).as(named.err()).isZero();
        assertThat(json(settings()).path("env").path("OTEL_RESOURCE_ATTRIBUTES").asText())
                .isEqualTo("entourage.agent=eng-1");
    }

    private static List<Path> listing(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }
}
