package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code entourage hook} as Claude Code runs a {@code type: "command"} hook: a process reading the hook input on
 * stdin and printing the decision on stdout, against a real bridge and against none (it fails closed).
 */
class HookCommandIT {
    private static final String PRE_TOOL_USE = "{\"session_id\":\"cc-cmd\",\"cwd\":\"/tmp/p\",\"permission_mode\":"
            + "\"default\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":"
            + "\"echo hi\",\"description\":\"Print hi\"},\"tool_use_id\":\"toolu_1\"}";
    private static final String STOP = "{\"session_id\":\"cc-cmd\",\"cwd\":\"/tmp/p\",\"hook_event_name\":\"Stop\","
            + "\"stop_hook_active\":false}";
    private static final String PROMPT = "{\"session_id\":\"cc-cmd\",\"cwd\":\"/tmp/p\",\"hook_event_name\":"
            + "\"UserPromptSubmit\",\"prompt\":\"go on\"}";

    @TempDir
    Path dir;

    /** What one run printed, and how it exited. */
    private record Run(int exit, String stdout, String stderr) {
        JsonNode json() throws IOException {
            return Sidecar.MAPPER.readTree(stdout);
        }
    }

    private static Run hook(String stdin, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                Sidecar.jar(), "hook"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("ENTOURAGE_KEY");
        builder.environment().putAll(env);
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out.strip(), err);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void relaysTheBridgesDecisionWithTheKeyFromAnOptionOrTheEnvironment() throws Exception {
        Path db = dir.resolve("ledger.db");
        new Cli(db).ok("teams", "set", "default", "--daily-limit", "10", "--timezone", "Europe/Paris");
        try (BridgeFixture bridge = new BridgeFixture(db)) {
            String key = bridge.agentKey("eng-1");
            String url = bridge.uri().toString();

            Run allowed = hook(PRE_TOOL_USE, Map.of(), "--url", url, "--key", key);
            assertThat(allowed.exit()).isZero();
            assertThat(allowed.stdout()).as(allowed.stderr()).isEqualTo("{}");

            new Cli(db).ok("teams", "set", "default", "--paused", "true");
            Run stopped = hook(PRE_TOOL_USE, Map.of("ENTOURAGE_KEY", key), "--url", url + "/");
            assertThat(stopped.exit()).isZero();
            assertThat(stopped.json().get("continue").asBoolean()).as(stopped.stdout()).isFalse();
            assertThat(stopped.json().get("stopReason").asText()).isEqualTo("Entourage: team default is paused by a "
                    + "person");
            assertThat(hook(STOP, Map.of(), "--url", url, "--key", key).stdout()).isEqualTo("{}");
        }
    }

    @Test
    void withNoBridgeItRefusesTheEventsThatCanBlockAndAllowsTheRest() throws Exception {
        String url = "http://127.0.0.1:" + freePort();

        Run tool = hook(PRE_TOOL_USE, Map.of(), "--url", url, "--key", "oc_whatever", "--timeout", "3");
        Run prompt = hook(PROMPT, Map.of(), "--url", url, "--key", "oc_whatever", "--timeout", "3");
        Run stop = hook(STOP, Map.of(), "--url", url, "--key", "oc_whatever", "--timeout", "3");

        String reason = "Entourage unreachable at " + url + "; failing closed";
        assertThat(tool.exit()).isZero();
        assertThat(tool.stdout()).isEqualTo("{\"continue\":false,\"stopReason\":\"" + reason + "\","
                + "\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\","
                + "\"permissionDecisionReason\":\"" + reason + "\"}}");
        assertThat(prompt.stdout()).isEqualTo("{\"decision\":\"block\",\"reason\":\"" + reason + "\"}");
        assertThat(stop.exit()).isZero();
        assertThat(stop.stdout()).isEqualTo("{}");
    }

    @Test
    void aRefusingBridgeFailsClosedSayingWhy() throws Exception {
        try (BridgeFixture bridge = new BridgeFixture(dir.resolve("ledger.db"))) {
            Run run = hook(PRE_TOOL_USE, Map.of(), "--url", bridge.uri().toString(), "--key", "oc_revoked_or_wrong");

            assertThat(run.exit()).isZero();
            assertThat(run.json().get("stopReason").asText()).startsWith("Entourage at " + bridge.uri()
                    + " refused the hook (HTTP 401").endsWith("; failing closed");
        }
    }
}
