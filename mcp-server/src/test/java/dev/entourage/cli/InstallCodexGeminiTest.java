package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.access.ApiKeyFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code entourage install|uninstall codex|gemini} on real files: Codex's {@code [otel]} section written beside
 * every other line of {@code config.toml} (which stay byte for byte), Gemini's {@code telemetry} block merged into
 * its settings; both idempotent, backed up, and undone exactly.
 */
class InstallCodexGeminiTest {
    private static final String CODEX = """
            # my Codex settings
            model = "gpt-5.5"
            approval_policy = "on-request"

            [mcp_servers.docs]
            command = "docs-mcp"
            args = ["--port", "0"]
            """;

    @TempDir
    Path dir;

    private final String key = ApiKeyFormat.generate(new SecureRandom());

    private Path home() {
        return dir.resolve("home");
    }

    private CliRunner.Run entourage(Map<String, String> extra, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--db", dir.resolve("ledger.db").toString()));
        Map<String, String> env = new HashMap<>(Map.of("HOME", home().toString(), "ENTOURAGE_KEY", key));
        env.putAll(extra);
        return CliRunner.execute(env, null, all.toArray(String[]::new));
    }

    private CliRunner.Run entourage(String... args) {
        return entourage(Map.of(), args);
    }

    @Test
    void codexGetsItsOtelSectionAndEveryOtherLineStaysAsItWas() throws IOException {
        Path config = home().resolve(".codex/config.toml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, CODEX);

        CliRunner.Run run = entourage("install", "codex", "--agent", "eng-1", "--url", "http://127.0.0.1:8000");

        assertThat(run.code()).as(run.err()).isZero();
        String written = Files.readString(config);
        assertThat(written).startsWith(CODEX);
        assertThat(written.substring(CODEX.length())).isEqualTo("\n"
                + "# >>> entourage: written by `entourage install codex`; `entourage uninstall codex` takes it out\n"
                + "[otel]\n"
                + "log_user_prompt = false\n"
                + "exporter = { otlp-http = { endpoint = \"http://127.0.0.1:8000/v1/logs\", protocol = \"binary\", "
                + "headers = { \"X-API-Key\" = \"" + key + "\" } } }\n"
                + "metrics_exporter = \"none\"\n"
                + "# <<< entourage\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(Files.readString(config.resolveSibling("config.toml.entourage-backup"))).isEqualTo(CODEX);

        CliRunner.Run again = entourage("install", "codex", "--agent", "eng-1");
        assertThat(again.out()).contains("already up to date");
        assertThat(Files.readString(config)).isEqualTo(written);

        CliRunner.Run moved = entourage("install", "codex", "--agent", "eng-1", "--url", "http://127.0.0.1:9000");
        assertThat(moved.code()).isZero();
        assertThat(Files.readString(config)).startsWith(CODEX).contains("http://127.0.0.1:9000/v1/logs")
                .doesNotContain("8000");

        CliRunner.Run off = entourage("uninstall", "codex");
        assertThat(off.code()).as(off.err()).isZero();
        assertThat(Files.readString(config)).isEqualTo(CODEX);
    }

    @Test
    void codexHomeIsHonouredAndADryRunWritesNothing() throws IOException {
        Path codexHome = dir.resolve("codex-home");
        CliRunner.Run dry = entourage(Map.of("CODEX_HOME", codexHome.toString()), "install", "codex", "--agent",
                "eng-1", "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("--- /dev/null", "+++ " + codexHome.resolve("config.toml"), "+[otel]",
                "Dry run: nothing was written.");
        assertThat(codexHome).doesNotExist();

        assertThat(entourage(Map.of("CODEX_HOME", codexHome.toString()), "install", "codex", "--agent", "eng-1")
                .code()).isZero();
        assertThat(Files.readString(codexHome.resolve("config.toml"))).startsWith("# >>> entourage");
        assertThat(home().resolve(".codex")).doesNotExist();
    }

    @Test
    void someoneElsesOtelSectionIsNeverTouched() throws IOException {
        Path config = home().resolve(".codex/config.toml");
        Files.createDirectories(config.getParent());
        String theirs = CODEX + "\n[otel.exporter.\"otlp-http\"]\nendpoint = \"https://otel.example.com/v1/logs\"\n";
        Files.writeString(config, theirs);

        CliRunner.Run run = entourage("install", "codex", "--agent", "eng-1");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains(config + " line 9 already configures Codex's telemetry")
                .contains("[otel.exporter.\"otlp-http\"]");
        assertThat(Files.readString(config)).isEqualTo(theirs);
    }

    @Test
    void geminiGetsItsTelemetryBlockWithoutPromptsAndLosesItAgain() throws IOException {
        Path settings = home().resolve(".gemini/settings.json");
        Files.createDirectories(settings.getParent());
        String theirs = "{\n  \"theme\": \"GitHub\",\n  \"telemetry\": {\n    \"logPrompts\": true\n  },\n"
                + "  \"mcpServers\": {}\n}\n";
        Files.writeString(settings, theirs);

        CliRunner.Run run = entourage("install", "gemini", "--agent", "eng-1");

        assertThat(run.code()).as(run.err()).isZero();
        JsonNode written = Json.mapper().readTree(Files.readString(settings));
        assertThat(written.path("theme").asText()).isEqualTo("GitHub");
        assertThat(written.path("telemetry")).isEqualTo(Json.mapper().readTree("{\"logPrompts\": false, "
                + "\"enabled\": true, \"target\": \"local\", \"otlpEndpoint\": \"http://127.0.0.1:8000\", "
                + "\"otlpProtocol\": \"http\"}"));
        assertThat(run.out()).contains("export OTEL_EXPORTER_OTLP_HEADERS=X-API-Key=" + key)
                .contains("export OTEL_RESOURCE_ATTRIBUTES=entourage.agent=eng-1");
        assertThat(entourage("install", "gemini", "--agent", "eng-1").out()).contains("already up to date");

        CliRunner.Run off = entourage("uninstall", "gemini");
        assertThat(off.code()).as(off.err()).isZero();
        assertThat(Json.mapper().readTree(Files.readString(settings)))
                .isEqualTo(Json.mapper().readTree("{\"theme\": \"GitHub\", \"mcpServers\": {}}"));
    }

    @Test
    void geminiTelemetrySentElsewhereIsRefusedUnlessForced() throws IOException {
        Path settings = dir.resolve("project/.gemini/settings.json");
        Files.createDirectories(settings.getParent());
        String theirs = "{\"telemetry\": {\"enabled\": true, \"target\": \"gcp\"}}";
        Files.writeString(settings, theirs);

        CliRunner.Run run = entourage("install", "gemini", "--agent", "eng-1", "--scope", "project", "--project",
                dir.resolve("project").toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("telemetry.target is set").contains("--force");
        assertThat(Files.readString(settings)).isEqualTo(theirs);

        CliRunner.Run forced = entourage("install", "gemini", "--agent", "eng-1", "--scope", "project", "--project",
                dir.resolve("project").toString(), "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(Json.mapper().readTree(Files.readString(settings)).path("telemetry").path("target").asText())
                .isEqualTo("local");
    }

    @Test
    void installWithoutAnAgentNamesItsCommands() {
        CliRunner.Run run = CliRunner.execute(Map.of("HOME", home().toString()), null, "install");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Say which agent: claude-code, codex or gemini");
    }
}
