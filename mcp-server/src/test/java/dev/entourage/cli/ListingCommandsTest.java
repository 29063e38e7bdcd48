package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.app.Ledger;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.Ref;
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

/** The CLI a person can use without the README open: lists, short usage errors, friendly dates and amounts. */
class ListingCommandsTest {
    @TempDir
    Path dir;

    private CliRunner cli;

    @BeforeEach
    void ledger() {
        Path db = dir.resolve("ledger.db");
        cli = new CliRunner(db);
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            var service = ledger.services();
            service.settings().createTask(Actor.local(), Ref.parse("default"),
                    new NewTask("=HYPERLINK(\"http://x\")", "high", "bugfix", List.of("budget:0.50"), null));
            long one = service.sessions().start(Actor.local(), Ref.id(service.settings()
                    .ensureAgent(Actor.local(), "eng-1", null).id()), null, "claude-sonnet-4").session().id();
            long two = service.sessions().start(Actor.local(), Ref.id(service.settings()
                    .ensureAgent(Actor.local(), "eng-2", null).id()), null, null).session().id();
            service.usage().report(Actor.local(), new UsageReport(one, new TokenCounts(1000, 200, 0, 0, 0),
                    1_250_000L, null, null));
            service.usage().report(Actor.local(), new UsageReport(two, new TokenCounts(10, 2, 0, 0, 0), 50_000L,
                    null, null));
        }
    }

    @Test
    void agentsTasksTeamsAndEverySessionAreListedAsTableJsonAndCsv() {
        CliRunner.Run agents = cli.run("agents", "list");
        assertThat(agents.code()).as(agents.err()).isZero();
        assertThat(agents.lines().get(0)).startsWith("id").contains("agent").contains("daily limit");
        assertThat(agents.out()).contains("eng-1").contains("eng-2");
        JsonNode agentsJson = cli.run("agents", "list", "--format", "json").json();
        assertThat(agentsJson.path("agents")).extracting(a -> a.path("name").asText()).containsExactly("eng-1", "eng-2");
        assertThat(cli.run("agents", "list", "--format", "csv").out())
                .startsWith("id,agent,team,daily limit,weekly limit,monthly limit,paused\r\n").contains(",eng-1,default,");

        CliRunner.Run tasks = cli.run("tasks", "list", "--format", "csv");
        assertThat(tasks.code()).as(tasks.err()).isZero();
        assertThat(tasks.out()).contains("\"'=HYPERLINK(\"\"http://x\"\")\"").contains(",bugfix,high,0.5,0,0.5,");
        assertThat(cli.run("tasks", "list", "--format", "json").json().path("tasks").get(0).path("limit_usd")
                .decimalValue()).isEqualByComparingTo("0.5");
        assertThat(cli.run("tasks", "list").out()).contains("$0.50");

        CliRunner.Run teams = cli.run("teams", "list", "--format", "json");
        assertThat(teams.json().path("teams")).extracting(t -> t.path("name").asText()).containsExactly("default");
        assertThat(cli.run("teams", "list").out()).contains("default").contains("strict agents");

        CliRunner.Run sessions = cli.run("sessions", "--all");
        assertThat(sessions.code()).as(sessions.err()).isZero();
        assertThat(sessions.lines().get(0)).startsWith("agent");
        assertThat(sessions.out()).contains("eng-1").contains("eng-2").contains("$1.30");
        assertThat(cli.run("sessions", "--all", "--format", "json").json().path("sessions")).hasSize(2);
        assertThat(cli.run("sessions", "--all", "--format", "csv").out()).startsWith("agent,id,status,");
        CliRunner.Run neither = cli.run("sessions");
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.err()).contains("--all");
    }

    @Test
    void usageErrorsPrintOneLineAndAHintNotTheWholeHelp() {
        CliRunner.Run typo = cli.run("costs", "--by", "agnet");
        CliRunner.Run unknown = cli.run("agents", "set", "eng-1", "--daily-limt", "5");

        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err().lines()).hasSizeLessThanOrEqualTo(3).last().asString()
                .isEqualTo("Try 'entourage costs --help' for more.");
        assertThat(typo.err()).contains("--by").doesNotContain("Usage:");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--daily-limt").contains("entourage agents set --help")
                .doesNotContain("Usage:");
    }

    @Test
    void sinceAcceptsRelativeDaysAndAmountsAcceptALeadingDollar() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        JsonNode week = cli.run("costs", "--since", "7d", "--format", "json").json();
        assertThat(week.path("since").asText()).isEqualTo(today.minusDays(6).toString());
        assertThat(cli.run("costs", "--since", "yesterday", "--until", "today", "--format", "json").json()
                .path("since").asText()).isEqualTo(today.minusDays(1).toString());
        CliRunner.Run bad = cli.run("costs", "--since", "last tuesday");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("7d");

        CliRunner.Run dollars = cli.run("agents", "set", "eng-1", "--daily-limit", "$5", "--json");
        assertThat(dollars.code()).as(dollars.err()).isZero();
        assertThat(dollars.json().path("daily_limit_usd").decimalValue()).isEqualByComparingTo("5");
        assertThat(cli.run("tasks", "create", "--title", "t", "--budget", "$0.25", "--json").json()
                .path("budget_usd").decimalValue()).isEqualByComparingTo("0.25");
    }

    @Test
    void helpShowsOnlyOptionsThatDoSomethingAndReadsAsIntended() {
        String teams = cli.run("teams", "set", "--help").out();
        assertThat(teams).contains("--alert-thresholds=PERCENTS|none").doesNotContain("PERCENT...]")
                .doesNotContain("--prices");
        for (String[] command : new String[][] {{"costs"}, {"agents", "set"}, {"keys", "list"}, {"budget"},
                {"init"}, {"doctor"}}) {
            List<String> args = new java.util.ArrayList<>(List.of(command));
            args.add("--help");
            assertThat(cli.run(args.toArray(String[]::new)).out()).as(String.join(" ", command))
                    .doesNotContain("--prices");
        }
        assertThat(cli.run("mcp", "--help").out()).contains("--prices").contains("--create");
        assertThat(cli.run("serve", "--help").out()).contains("--prices").contains("--create");
    }
}
