package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runaway guard through the real stdio sidecar: its stop must reach the agent as a normal answer (not an
 * output-schema failure), and a retry of the same event must answer the same, marked as a duplicate.
 */
class RunawayStopIT {
    @TempDir
    Path dir;

    @Test
    void aRunawayStopReachesTheAgentOverStdioAndItsRetryAnswersTheSame() {
        Path db = dir.resolve("ledger.db");
        Cli cli = new Cli(db);
        cli.ok("init");
        cli.ok("teams", "set", "default", "--max-session-cost-per-minute", "0.001");
        try (Sidecar sidecar = new Sidecar(db, "eng-1", "--model", LedgerContract.MODEL)) {
            ToolAnswer started = sidecar.call("start_session", Map.of());
            assertThat(started.isError()).as(started.text()).isFalse();
            Map<String, Object> report = Map.of("input_tokens", 1000, "output_tokens", 100, "cost_usd", 1.0,
                    "event_id", "runaway-1");

            ToolAnswer first = sidecar.call("report_usage", report);
            assertThat(first.isError()).as(first.text()).isFalse();
            assertThat(first.structured().path("action").asText()).isEqualTo("stop");
            assertThat(first.structured().path("stop_reason").asText()).isEqualTo("runaway");
            assertThat(first.structured().path("duplicate").asBoolean()).isFalse();
            assertThat(first.structured().path("budget").path("violations").findValuesAsText("scope"))
                    .contains("runaway");

            ToolAnswer retry = sidecar.call("report_usage", report);
            assertThat(retry.isError()).as(retry.text()).isFalse();
            assertThat(retry.structured().path("duplicate").asBoolean()).isTrue();
            assertThat(retry.structured().path("action").asText()).isEqualTo("stop");
            assertThat(retry.structured().path("stop_reason").asText()).isEqualTo("runaway");
            assertThat(retry.structured().path("event_id").asText()).isEqualTo("runaway-1");
            assertThat(retry.structured().path("cost_usd").decimalValue())
                    .isEqualByComparingTo(first.structured().path("cost_usd").decimalValue());
        }
    }
}
