package dev.entourage.mcp;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.app.Ledger;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CLI prints with {@code --json} / {@code --format json} conforms to the published schemas. */
class CliJsonConformanceTest {
    @TempDir
    Path dir;
    private Cli cli;
    private long session;

    @BeforeEach
    void ledgerWithARunawayStop() {
        Path db = dir.resolve("ledger.db");
        cli = new Cli(db);
        cli.ok("init");
        cli.ok("teams", "set", "default", "--max-session-cost-per-minute", "0.001");
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            var service = ledger.services();
            session = service.sessions().start(Actor.local(), Ref.id(service.settings().ensureAgent(Actor.local(), "eng-1", null).id()), null, LedgerContract.MODEL)
                    .session().id();
            service.usage().report(Actor.local(), new UsageReport(session, new TokenCounts(1000, 100, 0, 0, 0), 1_000_000L, null, null));
        }
    }

    private JsonNode json(String... args) throws IOException {
        return McpClientDoor.MAPPER.readTree(cli.output(args));
    }

    @Test
    void teamAgentAndTaskOutputsConform() throws IOException {
        Conformance.check("team", json("teams", "set", "default", "--daily-limit", "10", "--json"));
        Conformance.check("agent", json("agents", "set", "eng-2", "--daily-limit", "5", "--json"));
        Conformance.check("task", json("tasks", "create", "--title", "Fix", "--tag", "budget:0.50", "--json"));
    }

    @Test
    void aBudgetConformsAndAnAlteredOneDoesNot() throws IOException {
        JsonNode budget = json("budget", "eng-1", "--format", "json");
        Conformance.check("budget", budget);
        ((com.fasterxml.jackson.databind.node.ObjectNode) budget).put("over_budget", "no");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Conformance.check("budget", budget))
                .isInstanceOf(AssertionError.class).hasMessageContaining("over_budget");
    }

    @Test
    void sessionsCostsAndKillOutputsConform() throws IOException {
        JsonNode sessions = json("sessions", "eng-1", "--format", "json");
        assertThat(sessions.path("sessions")).hasSize(1);
        assertThat(sessions.path("sessions").get(0).path("stop_reason").asText()).isEqualTo("runaway");
        Conformance.check("session_list", sessions);
        Conformance.check("costs", json("costs", "--format", "json"));
        Conformance.check("session", json("kill", Long.toString(session), "--json"));
    }
}
