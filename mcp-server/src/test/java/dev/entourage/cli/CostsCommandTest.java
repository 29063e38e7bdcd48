package dev.entourage.cli;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.app.Ledger;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code entourage costs}: tables with totals, CSV, JSON, defaults and usage errors, over a real SQLite file. */
class CostsCommandTest {
    @TempDir
    Path dir;

    private CliRunner cli;
    private final LocalDate today = LocalDate.now(ZoneOffset.UTC);

    @BeforeEach
    void spend() {
        Path db = dir.resolve("ledger.db");
        cli = new CliRunner(db);
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            var service = ledger.services();
            long task = service.settings().createTask(Actor.local(), Ref.parse("default"), new NewTask("Fix, \"login\"", null, null, List.of(), null)).id();
            long one = service.sessions().start(Actor.local(), Ref.id(service.settings().ensureAgent(Actor.local(), "eng-1", null).id()), task, "claude-sonnet-4")
                    .session().id();
            long two = service.sessions().start(Actor.local(), Ref.id(service.settings().ensureAgent(Actor.local(), "eng-22", null).id()), null, null).session().id();
            service.usage().report(Actor.local(), new UsageReport(one, new TokenCounts(1000, 200, 0, 0, 0), 1_250_000L, null, null));
            service.usage().report(Actor.local(), new UsageReport(two, new TokenCounts(10, 2, 0, 0, 0), 50_000L, null, null));
        }
    }

    @Test
    void tableByAgentIsTheDefaultAndEndsWithATotal() {
        CliRunner.Run run = cli.run("costs");
        assertThat(run.code()).as(run.err()).isZero();
        List<String> lines = run.lines();
        assertThat(lines.get(0)).isEqualTo("Costs of team default from " + today + " to " + today + " (UTC), by agent:");
        assertThat(lines.get(1)).isEqualTo("agent   cost_usd  input_tokens  output_tokens  sessions");
        assertThat(lines.get(2)).isEqualTo("eng-1   $1.25     1000          200            1");
        assertThat(lines.get(3)).isEqualTo("eng-22  $0.05     10            2              1");
        assertThat(lines.get(4)).isEqualTo("total   $1.30     1010          202            2");
        assertThat(lines).hasSize(5);
    }

    @Test
    void byDayListsEveryDayAndCsvQuotesTitles() {
        CliRunner.Run days = cli.run("costs", "--since", today.minusDays(2).toString(), "--by", "day", "--format", "csv");
        assertThat(days.code()).as(days.err()).isZero();
        assertThat(days.out()).isEqualTo("day,cost_usd,input_tokens,output_tokens,sessions\r\n"
                + today.minusDays(2) + ",0,0,0,0\r\n"
                + today.minusDays(1) + ",0,0,0,0\r\n"
                + today + ",1.3,1010,202,2\r\n"
                + "total,1.3,1010,202,2\r\n");
        CliRunner.Run tasks = cli.run("costs", "--team", "default", "--by", "task", "--format", "csv");
        assertThat(tasks.lines().get(1)).endsWith(",\"Fix, \"\"login\"\"\",1.25,1000,200,1");
        assertThat(tasks.lines().get(2)).isEqualTo(",(no task),0.05,10,2,1");
        CliRunner.Run models = cli.run("costs", "--by", "model");
        assertThat(models.out()).contains("claude-sonnet-4").contains("(unknown model)").contains("total");
    }

    @Test
    void jsonIsTheFullReport() {
        CliRunner.Run run = cli.run("costs", "--format", "json", "--until", today.toString());
        assertThat(run.code()).isZero();
        assertThat(run.json().get("total_cost_usd").decimalValue()).isEqualByComparingTo("1.30");
        assertThat(run.json().get("by_day")).hasSize(1);
        assertThat(run.json().get("sessions")).hasSize(2);
    }

    @Test
    void helpExplainsAndBadInputIsAUsageError() {
        CliRunner.Run help = cli.run("costs", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: entourage costs").contains("--since").contains("--by")
                .contains("Examples");
        assertThat(cli.run("costs", "--since", "last tuesday").code()).isEqualTo(2);
        assertThat(cli.run("costs", "--by", "week").code()).isEqualTo(2);
        CliRunner.Run backwards = cli.run("costs", "--since", today.toString(), "--until", today.minusDays(1).toString());
        assertThat(backwards.code()).isEqualTo(2);
        assertThat(backwards.err()).contains("until");
        CliRunner.Run unknown = cli.run("costs", "--team", "nowhere");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("team 'nowhere' does not exist");
    }

    @Test
    void csvNeutralisesAModelNameThatASpreadsheetWouldRunAsAFormula() {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger.db").toString(), null, Clock.systemUTC())) {
            var service = ledger.services();
            long session = service.sessions().start(Actor.local(), Ref.id(service.settings().ensureAgent(Actor.local(), "eng-3", null).id()), null, "=HYPERLINK(\"x\")")
                    .session().id();
            service.usage().report(Actor.local(), new UsageReport(session, new TokenCounts(1, 1, 0, 0, 0), 10_000L, null, null));
        }
        CliRunner.Run run = cli.run("costs", "--by", "model", "--format", "csv");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("\r\n\"'=HYPERLINK(\"\"x\"\")\",0.01,1,1,1\r\n")
                .doesNotContain("\r\n=HYPERLINK").doesNotContain("\r\n\"=HYPERLINK");
    }

    @Test
    void unpricedSpendIsSaidApartUnderTheTableAndInTheJson() {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger.db").toString(), null, Clock.systemUTC())) {
            var service = ledger.services();
            long three = service.sessions().start(Actor.local(), Ref.name("eng-1"), null, "mystery-model-9")
                    .session().id();
            service.usage().report(Actor.local(), new UsageReport(three, new TokenCounts(100_000, 0, 0, 0, 0), null,
                    null, null));
        }

        CliRunner.Run run = cli.run("costs", "--by", "model");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.lines().get(run.lines().size() - 1))
                .isEqualTo("Of which $0.50 is unpriced: estimated for models without a price (mystery-model-9).");
        CliRunner.Run json = cli.run("costs", "--format", "json");
        assertThat(json.json().path("unpriced_usd").decimalValue()).isEqualByComparingTo("0.5");
    }
}
