package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ledger's behaviour as an agent sees it, independent of the door it comes through. Each door (stdio
 * sidecar now; REST and MCP over HTTP later) extends this class.
 */
abstract class LedgerContract {
    static final String MODEL = "claude-sonnet-4-20250514";
    /** 10,000 input and 1,000 output tokens of Sonnet 4: $0.03 + $0.015. */
    static final Map<String, Object> CALL = Map.of("input_tokens", 10_000, "output_tokens", 1_000);
    static final BigDecimal CALL_COST = new BigDecimal("0.045");

    @TempDir
    Path dir;
    Path db;
    Cli cli;
    Door door;

    /** Opens this class's door for {@code agent} on {@code db}. */
    abstract Door open(Path db, String agent);

    @BeforeEach
    void createLedger() {
        db = dir.resolve("ledger.db");
        cli = new Cli(db);
        cli.ok("init");
    }

    @AfterEach
    void closeDoor() {
        if (door != null) {
            door.close();
        }
    }

    Door door(String agent) {
        door = open(db, agent);
        return door;
    }

    static Map<String, Object> args(Object... namesAndValues) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    static BigDecimal dollars(JsonNode node) {
        return node.decimalValue().stripTrailingZeros();
    }

    @Test
    void aReportOnACapturedSessionIsKeptAsAClaimAndNotAdded() {
        cli.ok("agents", "set", "eng-1");
        long sessionId;
        java.time.Clock clock = java.time.Clock.systemUTC();
        try (dev.entourage.store.SqliteLedgerStore store = dev.entourage.store.SqliteLedgerStore.open(db,
                dev.entourage.store.SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock)) {
            dev.entourage.ledger.LedgerServices ledger = new dev.entourage.ledger.LedgerServices(store,
                    dev.entourage.ledger.pricing.PriceTable.bundled(), clock);
            dev.entourage.ledger.capture.CaptureOrigin origin = new dev.entourage.ledger.capture.CaptureOrigin(
                    dev.entourage.ledger.capture.CaptureSource.CLAUDE_CODE, "cc-1",
                    dev.entourage.ledger.Ref.name("eng-1"), null);
            sessionId = ledger.sessions().openExternal(dev.entourage.ledger.Actor.local(), origin, null, null).id();
            ledger.capture().record(dev.entourage.ledger.Actor.local(), List.of(
                    new dev.entourage.ledger.capture.CapturedCall(origin, "req_1", java.time.Instant.now(), MODEL,
                            new dev.entourage.ledger.TokenCounts(10_000, 1_000, 0, 0, 0), 45_000L, null, null,
                            null)));
        }
        Door agent = door("eng-1");

        ToolAnswer claim = agent.call("report_usage", args("session_id", sessionId, "input_tokens", 10_000,
                "output_tokens", 1_000, "cost_usd", 0.5));

        assertThat(claim.isError()).as(claim.text()).isFalse();
        assertThat(claim.structured().path("claim").asBoolean()).isTrue();
        assertThat(claim.structured().path("note").asText()).isEqualTo("this session's usage is captured from "
                + "claude_code telemetry; this report is kept as a claim and not added");
        assertThat(dollars(claim.structured().at("/session/cost_usd"))).isEqualByComparingTo(CALL_COST);
        assertThat(claim.structured().at("/session/captured").asBoolean()).isTrue();
    }

    @Test
    void agentDailyLimitStopsTheAgentAndTheStopSurvivesARestart() {
        cli.ok("agents", "set", "eng-1", "--daily-limit", "0.05");
        Door agent = door("eng-1");

        ToolAnswer started = agent.call("start_session", args("model", MODEL));
        assertThat(started.isError()).as(started.text()).isFalse();
        ToolAnswer first = agent.call("report_usage", CALL);
        ToolAnswer second = agent.call("report_usage", CALL);

        assertThat(first.structured().path("action").asText()).isEqualTo("continue");
        assertThat(first.structured().path("cost_source").asText()).isEqualTo("priced");
        assertThat(dollars(first.structured().path("cost_usd"))).isEqualByComparingTo(CALL_COST);
        assertThat(second.structured().path("action").asText()).isEqualTo("stop");
        assertThat(second.structured().path("stop_reason").asText()).isEqualTo("agent_daily");
        assertThat(second.structured().path("session").path("stop_reason").asText()).isEqualTo("agent_daily");
        assertOverBudget(agent, "agent_daily", "daily_remaining_usd", "0.05", "0.09");

        agent.restart();
        assertOverBudget(agent, "agent_daily", "daily_remaining_usd", "0.05", "0.09");
    }

    @Test
    void taskBudgetTagStopsTheAgentAndTheStopSurvivesARestart() {
        JsonNode task = parse(cli.output("tasks", "create", "--title", "Fix typo in README", "--type", "bugfix",
                "--tag", "budget:0.50", "--json"));
        assertThat(dollars(task.path("budget_usd"))).isEqualByComparingTo("0.5");
        Door agent = door("eng-2");

        assertThat(agent.call("start_session", args("model", MODEL, "task_id", task.path("id").asLong())).isError())
                .isFalse();
        Map<String, Object> bigCall = Map.of("input_tokens", 100_000, "output_tokens", 10_000);
        ToolAnswer first = agent.call("report_usage", bigCall);
        ToolAnswer second = agent.call("report_usage", bigCall);

        assertThat(first.structured().path("action").asText()).isEqualTo("continue");
        assertThat(second.structured().path("action").asText()).isEqualTo("stop");
        assertThat(second.structured().path("stop_reason").asText()).isEqualTo("task");
        ToolAnswer budget = agent.call("check_budget", Map.of());
        assertThat(budget.structured().path("over_budget").asBoolean()).isTrue();
        assertThat(dollars(budget.structured().path("task_spent_usd"))).isEqualByComparingTo("0.9");
        assertThat(dollars(budget.structured().path("task_remaining_usd"))).isEqualByComparingTo("0");

        agent.restart();
        ToolAnswer refused = agent.call("start_session", args("model", MODEL, "task_id", task.path("id").asLong()));
        assertThat(refused.isError()).isTrue();
        assertThat(refused.errorCode()).isEqualTo("budget_exceeded");
        assertThat(agent.call("start_session", args("model", MODEL)).isError())
                .as("work on no task is still allowed").isFalse();
    }

    @Test
    void teamDailyLimitStopsEveryAgentOfTheTeam() {
        cli.ok("teams", "set", "default", "--daily-limit", "0.05");
        Door first = door("eng-3");
        ToolAnswer over = twoCalls(first);
        assertThat(over.structured().path("stop_reason").asText()).isEqualTo("team_daily");
        first.close();

        Door other = door("eng-4");
        assertOverBudget(other, "team_daily", "team_daily_remaining_usd", "0.05", "0.09");
    }

    @Test
    void anEstimateIsHeldAgainstTheTeamUntilTheReportNamingItSettlesIt() {
        cli.ok("teams", "set", "default", "--daily-limit", "0.10");
        Door agent = door("eng-9");
        assertThat(agent.call("start_session", args("model", MODEL)).isError()).isFalse();

        ToolAnswer held = agent.call("check_budget", args("estimated_cost_usd", 0.06));
        assertThat(held.isError()).as(held.text()).isFalse();
        String holdId = held.structured().path("hold_id").asText();
        assertThat(holdId).isNotEmpty();
        assertThat(held.structured().path("hold_expires_at").asText()).endsWith("Z");
        assertThat(held.structured().path("over_budget").asBoolean()).isFalse();
        assertThat(dollars(held.structured().path("team_daily_held_usd"))).isEqualByComparingTo("0.06");
        assertThat(dollars(held.structured().path("team_daily_remaining_usd"))).isEqualByComparingTo("0.04");

        ToolAnswer refused = agent.call("check_budget", args("estimated_cost_usd", 0.05));
        assertThat(refused.isError()).isTrue();
        assertThat(refused.errorCode()).isEqualTo("budget_exceeded");
        assertThat(refused.structured().path("details").path("scope").asText()).isEqualTo("team_daily");
        assertThat(dollars(refused.structured().path("details").path("remaining_usd"))).isEqualByComparingTo("0.04");
        assertThat(refused.structured().path("details").path("budget").path("violations").get(0).path("scope")
                .asText()).isEqualTo("team_daily");

        Map<String, Object> report = new HashMap<>(CALL);
        report.put("hold_id", holdId);
        report.put("event_id", "evt-hold-1");
        ToolAnswer settled = agent.call("report_usage", report);
        assertThat(settled.isError()).as(settled.text()).isFalse();
        assertThat(settled.structured().path("hold_status").asText()).isEqualTo("settled");
        assertThat(settled.structured().path("action").asText()).isEqualTo("continue");
        assertThat(dollars(settled.structured().path("budget").path("team_daily_held_usd"))).isEqualByComparingTo("0");
        assertThat(dollars(settled.structured().path("budget").path("team_daily_remaining_usd")))
                .isEqualByComparingTo("0.055");
        ToolAnswer replay = agent.call("report_usage", report);
        assertThat(replay.structured().path("duplicate").asBoolean()).isTrue();

        Map<String, Object> reused = new HashMap<>(report);
        reused.put("event_id", "evt-hold-2");
        ToolAnswer twice = agent.call("report_usage", reused);
        assertThat(twice.isError()).isTrue();
        assertThat(twice.errorField()).isEqualTo("hold_id");

        ToolAnswer plain = agent.call("check_budget", Map.of());
        assertThat(plain.structured().has("hold_id")).isFalse();
        assertThat(dollars(plain.structured().path("team_daily_spent_usd"))).isEqualByComparingTo(CALL_COST);
        assertThat(dollars(plain.structured().path("team_daily_held_usd"))).isEqualByComparingTo("0");
    }

    /** Starts a session for {@code agent} and reports {@link #CALL} twice; the second answer. */
    private static ToolAnswer twoCalls(Door agent) {
        agent.call("start_session", args("model", MODEL));
        agent.call("report_usage", CALL);
        return agent.call("report_usage", CALL);
    }

    private void assertOverBudget(Door agent, String scope, String remainingField, String limit, String spent) {
        ToolAnswer budget = agent.call("check_budget", Map.of());
        assertThat(budget.isError()).as(budget.text()).isFalse();
        JsonNode b = budget.structured();
        assertThat(b.path("over_budget").asBoolean()).isTrue();
        assertThat(dollars(b.path(remainingField))).isEqualByComparingTo("0");
        assertThat(b.path("violations")).hasSize(1);
        JsonNode violation = b.path("violations").get(0);
        assertThat(violation.path("scope").asText()).isEqualTo(scope);
        assertThat(dollars(violation.path("limit_usd"))).isEqualByComparingTo(limit);
        assertThat(dollars(violation.path("spent_usd"))).isEqualByComparingTo(spent);
        assertThat(violation.path("resets_at").asText()).endsWith("T00:00:00Z");

        ToolAnswer refused = agent.call("start_session", args("model", MODEL));
        assertThat(refused.isError()).isTrue();
        assertThat(refused.errorCode()).isEqualTo("budget_exceeded");
        assertThat(refused.structured().path("details").path("budget").path("over_budget").asBoolean())
                .isTrue();
        assertThat(refused.text()).contains("Stop and tell a human");
    }

    static Stream<Arguments> badReports() {
        return Stream.of(
                Arguments.of(args("input_tokens", -1, "output_tokens", 10), "input_tokens"),
                Arguments.of(args("input_tokens", "many", "output_tokens", 10), "input_tokens"),
                Arguments.of(args("input_tokens", 10, "output_tokens", 10_000_000_000L), "output_tokens"),
                Arguments.of(args("input_tokens", 10, "output_tokens", 1.5), "output_tokens"),
                Arguments.of(args("input_tokens", 10, "output_tokens", 10, "cost_usd", Double.NaN), "cost_usd"),
                Arguments.of(args("input_tokens", 10, "output_tokens", 10, "cost_usd", -0.01), "cost_usd"),
                Arguments.of(args("input_tokens", 10, "output_tokens", 10, "cost_usd", 1e300), "cost_usd"),
                Arguments.of(args("input_tokens", new BigDecimal("1E-999999999"), "output_tokens", 10), "input_tokens"),
                Arguments.of(args("input_tokens", 10, "output_tokens", 10, "cost_usd", new BigDecimal("1E-999999999")),
                        "cost_usd"),
                Arguments.of(args("input_tokens", 10, "output_tokenz", 10), "output_tokenz"),
                Arguments.of(args("input_tokens", 10), "output_tokens"),
                Arguments.of(args("input_tokens", 10, "output_tokens", 10, "session_id", 999_999), "session_id"),
                Arguments.of(args("input_tokens", 10, "output_tokens", 10, "model", List.of("x")), "model"));
    }

    @ParameterizedTest
    @MethodSource("badReports")
    void badInputIsAToolErrorNamingTheFieldAndWritesNothing(Map<String, Object> report, String field) {
        Door agent = door("eng-5");
        agent.call("start_session", args("model", MODEL));

        ToolAnswer answer = agent.call("report_usage", report);

        assertThat(answer.isError()).isTrue();
        assertThat(answer.errorField()).isEqualTo(field);
        assertThat(answer.text()).contains(field);
        ToolAnswer budget = agent.call("check_budget", Map.of());
        assertThat(dollars(budget.structured().path("daily_spent_usd"))).isEqualByComparingTo("0");
        ToolAnswer ended = agent.call("end_session", Map.of());
        assertThat(ended.structured().path("total_tokens").asLong()).isZero();
    }

    @Test
    void aReplayedEventIdCountsOnceAndAChangedBodyIsRefused() {
        Door agent = door("eng-6");
        agent.call("start_session", args("model", MODEL));
        Map<String, Object> report = args("input_tokens", 1000, "output_tokens", 100, "cost_usd", 0.012,
                "event_id", "evt-1");

        ToolAnswer first = agent.call("report_usage", report);
        ToolAnswer replay = agent.call("report_usage", report);
        Map<String, Object> changed = new HashMap<>(report);
        changed.put("output_tokens", 101);
        ToolAnswer conflicting = agent.call("report_usage", changed);

        assertThat(first.structured().path("duplicate").asBoolean()).isFalse();
        assertThat(replay.structured().path("duplicate").asBoolean()).isTrue();
        assertThat(replay.structured().path("cost_usd")).isEqualTo(first.structured().path("cost_usd"));
        assertThat(replay.structured().path("session")).isEqualTo(first.structured().path("session"));
        assertThat(dollars(replay.structured().path("session").path("cost_usd"))).isEqualByComparingTo("0.012");
        assertThat(conflicting.isError()).isTrue();
        assertThat(conflicting.errorCode()).isEqualTo("idempotency_mismatch");
        assertThat(conflicting.errorField()).isEqualTo("event_id");
    }

    @Test
    void anUnknownModelIsNeverFreeButUnpricedAtTheConservativeDefault() {
        Door agent = door("eng-7");
        agent.call("start_session", args("model", "mystery-model-9"));
        ToolAnswer answer = agent.call("report_usage", args("input_tokens", 1_000_000, "output_tokens", 0));
        assertThat(answer.structured().path("cost_source").asText()).isEqualTo("unpriced");
        assertThat(dollars(answer.structured().path("cost_usd"))).as("the bundled @unknown row: $5 per million input")
                .isEqualByComparingTo("5");
    }

    @Test
    void aTeamRefusingUnpricedModelsRefusesASessionAndAReportOnOneNamingTheModel() {
        cli.ok("teams", "set", "default", "--refuse-unpriced-models", "true");
        Door agent = door("eng-8");

        ToolAnswer refused = agent.call("start_session", args("model", "mystery-model-9"));
        assertThat(refused.isError()).as(refused.text()).isTrue();
        assertThat(refused.errorField()).isEqualTo("model");
        assertThat(refused.text()).contains("mystery-model-9").contains("refuse_unpriced_models");

        assertThat(agent.call("start_session", args("model", MODEL)).isError()).isFalse();
        ToolAnswer report = agent.call("report_usage", args("input_tokens", 10, "output_tokens", 0,
                "model", "mystery-model-9"));
        assertThat(report.isError()).as(report.text()).isTrue();
        assertThat(report.errorField()).isEqualTo("model");
        ToolAnswer priced = agent.call("report_usage", CALL);
        assertThat(dollars(priced.structured().path("session").path("cost_usd"))).as("the refused report added nothing")
                .isEqualByComparingTo(CALL_COST);
    }

    @Test
    void aSessionCapStopsTheSessionButNotTheNextOne() {
        cli.ok("teams", "set", "default", "--max-session-cost", "0.05");
        Door agent = door("eng-9");
        long id = agent.call("start_session", args("model", MODEL)).structured().path("session_id").asLong();
        assertThat(agent.call("report_usage", CALL).structured().path("action").asText()).isEqualTo("continue");
        ToolAnswer over = agent.call("report_usage", CALL);
        assertThat(over.isError()).as(over.text()).isFalse();
        assertThat(over.structured().path("action").asText()).isEqualTo("stop");
        assertThat(over.structured().path("stop_reason").asText()).isEqualTo("session");
        JsonNode budget = over.structured().path("budget");
        assertThat(dollars(budget.path("session_limit_usd"))).isEqualByComparingTo("0.05");
        assertThat(dollars(budget.path("session_spent_usd"))).isEqualByComparingTo("0.09");
        assertThat(budget.path("violations").get(0).path("scope").asText()).isEqualTo("session");

        ToolAnswer ended = agent.call("end_session", args("session_id", id));
        assertThat(ended.structured().path("stop_reason").asText())
                .as("ending a stopped session keeps why it was stopped").isEqualTo("session");
        ToolAnswer next = agent.call("start_session", args("model", MODEL));
        assertThat(next.isError()).as("the cap is per session: " + next.text()).isFalse();
    }

    @Test
    void aWeeklyLimitStopsTheAgentUntilNextMonday() {
        cli.ok("agents", "set", "eng-10", "--weekly-limit", "0.05");
        Door agent = door("eng-10");
        ToolAnswer over = twoCalls(agent);
        assertThat(over.isError()).as(over.text()).isFalse();
        assertThat(over.structured().path("stop_reason").asText()).isEqualTo("agent_weekly");
        String monday = java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                .with(java.time.temporal.TemporalAdjusters.next(java.time.DayOfWeek.MONDAY)) + "T00:00:00Z";
        JsonNode budget = over.structured().path("budget");
        assertThat(budget.path("violations").get(0).path("resets_at").asText()).isEqualTo(monday);
        assertThat(budget.path("resets_at").asText()).as("free again when the tripped week resets").isEqualTo(monday);
        assertThat(dollars(budget.path("weekly_remaining_usd"))).isEqualByComparingTo("0");
        assertOverBudget(agent, "agent_weekly", "weekly_remaining_usd", "0.05", "0.09");
    }

    @Test
    void aTeamMonthlyLimitStopsEveryAgentOfTheTeam() {
        cli.ok("teams", "set", "default", "--monthly-limit", "0.05");
        Door first = door("eng-11");
        ToolAnswer over = twoCalls(first);
        assertThat(over.structured().path("stop_reason").asText()).isEqualTo("team_monthly");
        first.close();
        assertOverBudget(door("eng-12"), "team_monthly", "team_monthly_remaining_usd", "0.05", "0.09");
    }

    @Test
    void endingASessionStoppedByItsTaskCapKeepsTheReason() {
        JsonNode task = parse(cli.output("tasks", "create", "--title", "Capped", "--budget", "0.05", "--json"));
        Door agent = door("eng-13");
        long id = agent.call("start_session", args("model", MODEL, "task_id", task.path("id").asLong()))
                .structured().path("session_id").asLong();
        agent.call("report_usage", CALL);
        assertThat(agent.call("report_usage", CALL).structured().path("stop_reason").asText()).isEqualTo("task");
        ToolAnswer ended = agent.call("end_session", args("session_id", id));
        assertThat(ended.structured().path("status").asText()).isEqualTo("ended");
        assertThat(ended.structured().path("stop_reason").asText()).isEqualTo("task");
        assertThat(parse(cli.output("sessions", "eng-13", "--format", "json")).path("sessions").get(0)
                .path("stop_reason").asText())
                .isEqualTo("task");
    }

    @Test
    void endingTwiceReturnsTheSameSession() {
        Door agent = door("eng-8");
        long id = agent.call("start_session", Map.of()).structured().path("session_id").asLong();
        ToolAnswer first = agent.call("end_session", args("session_id", id));
        ToolAnswer again = agent.call("end_session", args("session_id", id));
        assertThat(first.structured().path("status").asText()).isEqualTo("ended");
        assertThat(again.structured()).isEqualTo(first.structured());
    }

    static JsonNode parse(String json) {
        try {
            return Sidecar.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
