package dev.entourage.cli;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.http.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code entourage} commands in-process: output, exit codes and what they write. */
class CommandLineTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not one JSON document: " + out, e);
            }
        }
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--help") && !all.contains("--db") && !all.isEmpty() && !all.get(0).equals("prices")) {
            all.add("--db");
            all.add(dir.resolve("ledger.db").toString());
            if (!all.get(0).equals("init")) {
                CliRunner.ensureLedger(dir.resolve("ledger.db"));
            }
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        try {
            int code = EntourageCommand.execute(all.toArray(String[]::new));
            return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void helpWorksEverywhereAndUsageErrorsExitWithTwo() {
        assertThat(run("--help").code()).isZero();
        for (String command : List.of("kill", "mcp", "init", "teams", "agents", "tasks", "budget", "sessions", "prices", "keys",
                "users")) {
            Run help = run(command, "--help");
            assertThat(help.code()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: entourage " + command);
        }
        assertThat(run().code()).isEqualTo(2);
        assertThat(run("init", "--no-such-option").code()).isEqualTo(2);
        assertThat(run("frobnicate").code()).isEqualTo(2);
    }

    @Test
    void initIsIdempotentAndSaysSo() {
        Run first = run("init", "--json");
        Run second = run("init");
        Run third = run("init", "--json");

        assertThat(first.code()).isZero();
        assertThat(first.json().path("team").asText()).isEqualTo("default");
        assertThat(first.json().path("created").asBoolean()).isTrue();
        assertThat(first.json().path("admin_key").asText()).startsWith("oc_");
        assertThat(second.out()).contains("already exists; nothing changed");
        assertThat(third.json().path("created").asBoolean()).isFalse();
        assertThat(third.json().path("admin_key").isNull()).as("the admin key existed").isTrue();
        assertThat(third.json().path("team_id")).isEqualTo(first.json().path("team_id"));
    }

    @Test
    void settingsCommandsPrintWhatTheySetAndRefuseBadValuesNamingTheOption() {
        Run team = run("teams", "set", "platform", "--daily-limit", "10", "--timezone", "Europe/Berlin", "--json");
        assertThat(team.code()).isZero();
        assertThat(team.json().path("daily_cost_limit_usd").decimalValue()).isEqualByComparingTo("10");
        assertThat(team.json().path("timezone").asText()).isEqualTo("Europe/Berlin");

        Run agent = run("agents", "set", "eng-1", "--team", "platform", "--daily-limit", "5.00", "--json");
        assertThat(agent.json().path("team_id")).isEqualTo(team.json().path("id"));
        assertThat(agent.json().path("daily_limit_usd").decimalValue()).isEqualByComparingTo("5");
        Run unlimited = run("agents", "set", "eng-1", "--daily-limit", "none", "--json");
        assertThat(unlimited.json().path("daily_limit_usd").isNull()).isTrue();

        Run badLimit = run("agents", "set", "eng-1", "--daily-limit", "-3");
        assertThat(badLimit.code()).isEqualTo(2);
        assertThat(badLimit.err()).contains("--daily-limit");
        Run badZone = run("teams", "set", "platform", "--timezone", "Mars/Olympus");
        assertThat(badZone.code()).isEqualTo(2);
        assertThat(badZone.err()).contains("--timezone");
        Run noTeam = run("agents", "set", "eng-2", "--team", "nope");
        assertThat(noTeam.code()).isEqualTo(1);
        assertThat(noTeam.err()).contains("team 'nope' does not exist");
    }

    @Test
    void tasksTakeTheirCapFromTheBudgetTagAndAMalformedTagWritesNothing() {
        Run bad = run("tasks", "create", "--title", "Broken", "--tag", "budget:lots", "--json");
        Run good = run("tasks", "create", "--title", "Fix typo in README", "--priority", "low", "--type", "bugfix",
                "--tag", "budget:0.50", "--tag", "docs", "--json");

        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).contains("tags").contains("budget:lots");
        assertThat(good.code()).isZero();
        assertThat(good.json().path("id").asLong()).as("the refused task took no id").isEqualTo(1);
        assertThat(good.json().path("budget_usd").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(good.json().path("tags")).hasSize(2);
    }

    @Test
    void budgetAndSessionsReportAnAgentInEachFormat() {
        run("agents", "set", "eng-1", "--daily-limit", "5");
        Run budget = run("budget", "eng-1", "--format", "json");
        assertThat(budget.json().path("daily_limit_usd").decimalValue()).isEqualByComparingTo("5");
        assertThat(budget.json().path("over_budget").asBoolean()).isFalse();
        assertThat(run("budget", "eng-1").out()).contains("agent daily").contains("$5.00").contains("Within budget");

        assertThat(run("sessions", "eng-1").out()).contains("No sessions for eng-1");
        assertThat(run("sessions", "eng-1", "--format", "json").json().path("sessions")).isEmpty();
        assertThat(run("sessions", "eng-1", "--format", "csv").out())
                .isEqualTo("id,status,task,model,started_at,minutes,tokens,cost_usd,stop_reason,stop_detail\r\n");
        Run unknown = run("budget", "nobody");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("agent 'nobody' does not exist");
    }

    @Test
    void killStopsASessionAndTheNextReportIsToldToStop() {
        run("agents", "set", "eng-1");
        Path db = dir.resolve("ledger.db");
        long session;
        try (dev.entourage.app.Ledger ledger = dev.entourage.app.Ledger.open(db.toString(), null,
                java.time.Clock.systemUTC())) {
            session = ledger.services().sessions().start(Actor.local(), Ref.name("eng-1"), null, null).session().id();
        }

        Run killed = run("kill", Long.toString(session), "--reason", "looping", "--json");
        Run unknown = run("kill", "999");

        assertThat(killed.code()).isZero();
        assertThat(killed.json().path("status").asText()).isEqualTo("killed");
        assertThat(killed.json().path("stop_reason").asText()).isEqualTo("killed");
        assertThat(killed.json().path("stop_detail").asText()).as("the reason is kept, not only logged")
                .isEqualTo("looping");
        assertThat(run("sessions", "eng-1", "--format", "csv").out()).contains(",killed,looping\r\n");
        assertThat(run("sessions", "eng-1").out()).contains("looping");
        assertThat(unknown.code()).isEqualTo(1);
        try (dev.entourage.app.Ledger ledger = dev.entourage.app.Ledger.open(db.toString(), null,
                java.time.Clock.systemUTC())) {
            var receipt = ledger.services().usage().report(Actor.local(), new dev.entourage.ledger.UsageReport(session,
                    new dev.entourage.ledger.TokenCounts(1, 1, 0, 0, 0), 10L, null, null));
            assertThat(receipt.action()).isEqualTo(dev.entourage.ledger.Action.STOP);
            assertThat(receipt.stopReason()).isEqualTo("killed");
        }
    }

    @Test
    void pricesShowTheTableAndWhatAModelGets() {
        Run table = run("prices");
        assertThat(table.out()).contains("claude-sonnet-4").contains("gpt-4o");
        Run sonnet = run("prices", "claude-sonnet-4-20250514", "--format", "json");
        assertThat(sonnet.json().path("prices").get(0).path("input").decimalValue()).isEqualByComparingTo("3");
        assertThat(run("prices", "mystery-9").out()).contains("estimated");
    }

    @Test
    void teamsSetTurnsRefuseUnpricedModelsOnAndOffAndKeepsItWhenNotGiven() {
        Run on = run("teams", "set", "default", "--refuse-unpriced-models", "true", "--json");
        assertThat(on.code()).as(on.err()).isZero();
        assertThat(on.json().path("refuse_unpriced_models").asBoolean()).isTrue();
        assertThat(run("teams", "set", "default", "--json").json().path("refuse_unpriced_models").asBoolean())
                .as("kept when not given").isTrue();
        Run bad = run("teams", "set", "default", "--refuse-unpriced-models", "maybe");
        assertThat(bad.code()).isEqualTo(2);
        Run off = run("teams", "set", "default", "--refuse-unpriced-models", "false", "--json");
        assertThat(off.json().path("refuse_unpriced_models").asBoolean()).isFalse();
    }

    @Test
    void anUnsupportedDatabaseUrlIsAUsageError() {
        Run mysql = run("init", "--db", "jdbc:mysql://localhost/entourage");
        assertThat(mysql.code()).isEqualTo(2);
        assertThat(mysql.err()).contains("a SQLite file path or a PostgreSQL URL");
    }

    @Test
    void teamDefaultsApplyToAgentsTheTeamCreatesAndAStrictTeamRefusesUnknownAgents() {
        Run team = run("teams", "set", "default", "--default-agent-daily-limit", "$2", "--default-agent-monthly-limit",
                "20", "--json");
        assertThat(team.code()).as(team.err()).isZero();
        assertThat(team.json().path("default_agent_daily_limit_usd").decimalValue()).isEqualByComparingTo("2");
        assertThat(team.json().path("default_agent_monthly_limit_usd").decimalValue()).isEqualByComparingTo("20");
        assertThat(run("teams", "set", "default").out()).contains("new agent daily").contains("$2.00");

        Run agent = run("agents", "set", "eng-7", "--json");
        assertThat(agent.json().path("daily_limit_usd").decimalValue()).isEqualByComparingTo("2");
        assertThat(agent.json().path("monthly_limit_usd").decimalValue()).isEqualByComparingTo("20");
        assertThat(run("keys", "create", "--role", "agent", "--agent", "eng-8", "--json").code()).isZero();
        assertThat(run("budget", "eng-8", "--format", "json").json().path("daily_limit_usd").decimalValue())
                .isEqualByComparingTo("2");

        Run strict = run("teams", "set", "default", "--strict-agents", "true", "--json");
        assertThat(strict.json().path("strict_agents").asBoolean()).isTrue();
        Run stranger = run("mcp", "--agent", "stranger");
        assertThat(stranger.code()).isEqualTo(1);
        assertThat(stranger.err()).contains("agent 'stranger' does not exist").contains("strict_agents")
                .contains("entourage agents set 'stranger'");
        assertThat(run("agents", "set", "stranger", "--json").json().path("daily_limit_usd").decimalValue())
                .as("a person may still create it").isEqualByComparingTo("2");
        Run bad = run("teams", "set", "default", "--default-agent-weekly-limit", "-1");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--default-agent-weekly-limit");
    }
}
