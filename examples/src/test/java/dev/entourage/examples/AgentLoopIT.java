package dev.entourage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link AgentLoop} as a person would: its own JVM, which starts a real {@code entourage mcp} sidecar,
 * against a fresh SQLite file; then reads the ledger back through the {@code entourage} CLI.
 */
@Timeout(60)
class AgentLoopIT {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String MODEL = "claude-sonnet-4-20250514";

    @TempDir
    Path dir;

    /** As a person starts: {@code entourage init} makes the ledger the sidecar then opens (it creates none). */
    @BeforeEach
    void init() throws Exception {
        entourage("init");
    }

    @Test
    void stopsEarlyWhenTheAgentsDailyBudgetIsUsedUp() throws Exception {
        entourage("agents", "set", "capped", "--daily-limit", "0.05");

        JsonNode summary = agentLoop("capped", "--model", MODEL, "--steps", "50");

        assertThat(summary.path("stopped").asBoolean()).isTrue();
        assertThat(summary.path("stop_reason").asText()).isEqualTo("agent_daily");
        assertThat(summary.path("steps_done").asInt()).isBetween(1, 49);
        JsonNode session = sessionOf("capped", summary.path("session_id").asLong());
        assertThat(session.path("status").asText()).isEqualTo("ended");
        assertThat(session.path("cost_usd").decimalValue())
                .isGreaterThanOrEqualTo(new BigDecimal("0.05"))
                .isEqualByComparingTo(summary.path("cost_usd").decimalValue());
    }

    @Test
    void finishesEveryStepWithinBudgetAndItsCostIsTheDaysSpend() throws Exception {
        JsonNode summary = agentLoop("free", "--model", MODEL, "--steps", "5");

        assertThat(summary.path("stopped").asBoolean()).isFalse();
        assertThat(summary.path("stop_reason").isNull()).isTrue();
        assertThat(summary.path("steps_done").asInt()).isEqualTo(5);
        assertThat(summary.path("cost_usd").decimalValue()).isPositive();
        JsonNode budget = JSON.readTree(entourage("budget", "free", "--format", "json"));
        assertThat(budget.path("daily_spent_usd").decimalValue())
                .isEqualByComparingTo(summary.path("cost_usd").decimalValue());
        assertThat(sessionOf("free", summary.path("session_id").asLong()).path("status").asText()).isEqualTo("ended");
    }

    @Test
    void isRefusedAtStartWhenTheAgentIsAlreadyOverBudget() throws Exception {
        entourage("agents", "set", "spent", "--daily-limit", "0.05");
        assertThat(agentLoop("spent", "--steps", "50").path("stopped").asBoolean()).isTrue();

        JsonNode summary = agentLoop("spent", "--steps", "5");

        assertThat(summary.path("stopped").asBoolean()).isTrue();
        assertThat(summary.path("stop_reason").asText()).isEqualTo("budget_exceeded");
        assertThat(summary.path("steps_done").asInt()).isZero();
        assertThat(summary.path("session_id").isNull()).isTrue();
        assertThat(JSON.readTree(entourage("sessions", "spent", "--format", "json")).path("sessions")).hasSize(1);
    }

    /** Runs {@code AgentLoop} in a child JVM; it must exit 0 and print exactly one line: the JSON summary. */
    private JsonNode agentLoop(String agent, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                AgentLoop.class.getName(), "--jar", jar(), "--db", db(), "--agent", agent));
        command.addAll(List.of(extra));
        String stdout = run(command);
        assertThat(stdout.lines()).as("AgentLoop stdout").hasSize(1);
        return JSON.readTree(stdout);
    }

    /** Runs an {@code entourage} command on the test database; it must exit 0. */
    private String entourage(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar()));
        command.addAll(List.of(args));
        command.addAll(List.of("--db", db()));
        return run(command);
    }

    private JsonNode sessionOf(String agent, long sessionId) throws Exception {
        for (JsonNode session : JSON.readTree(entourage("sessions", agent, "--format", "json")).path("sessions")) {
            if (session.path("id").asLong() == sessionId) {
                return session;
            }
        }
        throw new AssertionError("no session " + sessionId + " for " + agent);
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        assertThat(process.exitValue())
                .as("exit code of %s; stdout: %s; stderr: %s", command, stdout, Files.readString(stderr))
                .isZero();
        return stdout;
    }

    private String db() {
        return dir.resolve("ledger.db").toString();
    }

    private static String jar() {
        String jar = System.getProperty("entourage.jar");
        assertThat(jar).as("system property entourage.jar (set by failsafe)").isNotNull();
        assertThat(Path.of(jar)).as("the built jar; run mvn -pl mcp-server -am package first").exists();
        return jar;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
