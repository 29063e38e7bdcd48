package dev.entourage.mcp;

import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.app.Ledger;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.Change;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report that crosses an alert threshold also sends the client a logging notification (level warning). */
class McpAlertNotificationIT {
    @TempDir
    Path dir;

    private static void limit(Ledger ledger, String agent) {
        ledger.services().settings().setAgent(Actor.local(), agent, null, new AgentSettings(Change.to(100_000L), Change.keep()));
    }

    private static void crossThresholds(McpClientDoor door) throws InterruptedException {
        assertThat(door.call("start_session", Map.of()).isError()).isFalse();
        assertThat(door.call("report_usage", Map.of("input_tokens", 10, "output_tokens", 1, "cost_usd", 0.05))
                .isError()).isFalse();
        Thread.sleep(200);
        assertThat(door.logs).as("below 80%: nothing").isEmpty();
        door.call("report_usage", Map.of("input_tokens", 10, "output_tokens", 1, "cost_usd", 0.04));
        await(door, 1);
        McpSchema.LoggingMessageNotification first = door.logs.get(0);
        assertThat(first.level()).isEqualTo(McpSchema.LoggingLevel.WARNING);
        assertThat(first.logger()).isEqualTo("entourage");
        assertThat(first.data()).contains("80%").contains("$0.09").contains("$0.10");
        door.call("report_usage", Map.of("input_tokens", 10, "output_tokens", 1, "cost_usd", 0.02));
        await(door, 2);
        assertThat(door.logs.get(1).data()).contains("100%");
        door.call("report_usage", Map.of("input_tokens", 10, "output_tokens", 1, "cost_usd", 0.02));
        Thread.sleep(200);
        assertThat(door.logs).as("each threshold once per window").hasSize(2);
    }

    private static void await(McpClientDoor door, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (door.logs.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(door.logs).hasSizeGreaterThanOrEqualTo(count);
    }

    @Test
    void overStdio() throws Exception {
        Path db = dir.resolve("stdio.db");
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            ledger.services().settings().ensureDefaultTeam();
            limit(ledger, "eng-1");
        }
        Sidecar sidecar = new Sidecar(db, "eng-1");
        try {
            crossThresholds(sidecar);
        } finally {
            sidecar.close();
        }
    }

    @Test
    void overStreamableHttp() throws Exception {
        try (BridgeFixture bridge = new BridgeFixture(dir.resolve("http.db"))) {
            String key = bridge.agentKey("eng-2");
            limit(bridge.ledger(), "eng-2");
            HttpMcpContractIT.HttpMcpDoor door = new HttpMcpContractIT.HttpMcpDoor(bridge, key);
            try {
                crossThresholds(door);
            } finally {
                door.close();
            }
        }
    }
}
