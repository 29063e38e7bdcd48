package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureReceipt;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.capture.CapturedError;
import dev.entourage.ledger.capture.MetricPoint;
import dev.entourage.ledger.events.LedgerEvent;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.testing.StoreContract;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Usage captured from coding agents' telemetry: counted once per event id, charged like a report (reported dollars,
 * our price beside them), stopping the agent at its cap, turning later self-reports into claims, counting API errors,
 * cross-checking the cost metric, and refusing what the actor may not write while the rest of the batch lands.
 */
public abstract class CaptureContract extends StoreContract {
    private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
    private static final String SONNET = "claude-sonnet-4-20250514";
    private static final TokenCounts TOKENS = new TokenCounts(1_000, 200, 50, 0, 300);
    private static final Actor LOCAL = Actor.local();

    private LedgerServices ledger;
    private Agent agent;

    protected CaptureContract() {
        super(START);
    }

    @BeforeEach
    void open() {
        ledger = fixture.services();
        ledger.settings().ensureDefaultTeam();
        agent = ledger.settings().setAgent(LOCAL, "eng-1", null,
                new AgentSettings(Change.to(1_000_000L), Change.keep()));
    }

    private CaptureOrigin origin(String sessionId) {
        return new CaptureOrigin(CaptureSource.CLAUDE_CODE, sessionId, Ref.name("eng-1"), null);
    }

    private static CaptureOrigin named(CaptureOrigin o, String agentName) {
        return new CaptureOrigin(o.source(), o.externalSessionId(), Ref.name(agentName), o.taskName());
    }

    private static CapturedCall call(CaptureOrigin origin, String eventId, Long reportedMicros) {
        return new CapturedCall(origin, eventId, START, SONNET, TOKENS, reportedMicros, "normal", "repl_main_thread",
                null);
    }

    private Session session(String externalId) {
        return ledger.sessions().openExternal(LOCAL, origin(externalId), null, null);
    }

    @Test
    void aGatewayCallSettlesItsHoldInTheSameTransactionAndARetriedRequestIdReleasesItsHold() {
        Session session = session("cc-gw");
        String first = ledger.budgets().reserve(LOCAL, Ref.id(agent.id()), null, session.id(), 400_000L).hold().id();
        String second = ledger.budgets().reserve(LOCAL, Ref.id(agent.id()), null, session.id(), 400_000L).hold().id();

        CapturedCall call = call(origin("cc-gw"), "req_gw", 90_000L);
        Optional<UsageReceipt> recorded = ledger.capture().recordSettling(LOCAL, call, first);
        Optional<UsageReceipt> retried = ledger.capture().recordSettling(LOCAL, call, second);

        assertThat(recorded).map(UsageReceipt::costMicros).contains(90_000L);
        assertThat(retried).isEmpty();
        assertThat(ledger.budgets().hold(LOCAL, first).status()).isEqualTo(HoldStatus.SETTLED);
        assertThat(ledger.budgets().hold(LOCAL, second).status()).isEqualTo(HoldStatus.RELEASED);
        Budget budget = ledger.budgets().check(LOCAL, Ref.id(agent.id()), null, null);
        assertThat(budget.dailySpent()).isEqualTo(90_000L);
        assertThat(budget.dailyHeld()).isZero();
    }

    @Test
    void aReSentBatchCountsOnce() {
        List<CapturedCall> batch = List.of(call(origin("cc-1"), "req_1", 100_000L), call(origin("cc-1"), "req_2",
                50_000L));
        CaptureReceipt first = ledger.capture().record(LOCAL, batch);
        CaptureReceipt again = ledger.capture().record(LOCAL, batch);

        assertThat(first).isEqualTo(new CaptureReceipt(2, 0, 0, List.of()));
        assertThat(again).isEqualTo(new CaptureReceipt(0, 2, 0, List.of()));
        Session session = session("cc-1");
        assertThat(session.totals().costMicros()).isEqualTo(150_000L);
        assertThat(session.totals().inputTokens()).isEqualTo(2_000L);
        assertThat(fixture.rows("usage_events")).isEqualTo(2);
        assertThat(ledger.budgets().check(LOCAL, Ref.id(agent.id()), null, null).dailySpent()).isEqualTo(150_000L);
        assertThat(session.capture().source()).isEqualTo("claude_code");
        assertThat(session.capture().externalId()).isEqualTo("cc-1");
        assertThat(session.capture().captured()).isTrue();
    }

    @Test
    void aReportedCostIsChargedWithOurPriceBesideIt() {
        ledger.capture().record(LOCAL, List.of(call(origin("cc-1"), "req_1", 12_345L),
                call(origin("cc-1"), "req_2", null)));
        long priced = PriceTable.bundled().price(SONNET, TOKENS).costMicros();

        Session session = session("cc-1");
        List<UsageEntry> events = ledger.reports().sessionUsage(LOCAL, session.id(), null, 10).events();
        StoredUsage second = events.get(0).usage();
        StoredUsage first = events.get(1).usage();
        assertThat(first.costSource()).isEqualTo(CostSource.REPORTED);
        assertThat(first.costMicros()).isEqualTo(12_345L);
        assertThat(first.labels()).isEqualTo(new UsageLabels("normal", "repl_main_thread", null, priced));
        assertThat(second.costSource()).isEqualTo(CostSource.PRICED);
        assertThat(second.costMicros()).isEqualTo(priced);
        assertThat(second.labels().pricedCostMicros()).as("no second figure beside our own").isNull();
        assertThat(session.totals().costMicros()).isEqualTo(12_345L + priced);
    }

    @Test
    void chargingStopsTheAgentAtItsCapAndFiresAlerts() {
        List<LedgerEvent> seen = new ArrayList<>();
        ledger.events().subscribe(seen::add);
        ledger.capture().record(LOCAL, List.of(call(origin("cc-1"), "req_1", 600_000L)));
        assertThat(session("cc-1").stopReason()).isNull();

        ledger.capture().record(LOCAL, List.of(call(origin("cc-1"), "req_2", 600_000L)));

        Session session = session("cc-1");
        assertThat(session.stopReason()).as("the charge that crosses the cap records the stop").isEqualTo("agent_daily");
        assertThat(ledger.budgets().check(LOCAL, Ref.id(agent.id()), null, null).overBudget()).isTrue();
        assertThat(seen).filteredOn(e -> e instanceof LedgerEvent.UsageRecorded).hasSize(2);
        assertThat(seen).filteredOn(e -> e instanceof LedgerEvent.AlertFired).isNotEmpty();
        assertThat(seen).filteredOn(e -> e instanceof LedgerEvent.SessionChanged).as("the new session is shown")
                .isNotEmpty();
    }

    @Test
    void reportsOnACapturedSessionAreClaimsNotAdded() {
        Session s = session("cc-1");
        UsageReceipt before = ledger.usage().report(LOCAL, new UsageReport(s.id(), TOKENS, 30_000L, null, "self-1"));
        assertThat(before.claim()).isFalse();
        ledger.capture().record(LOCAL, List.of(call(origin("cc-1"), "req_1", 100_000L)));

        UsageReceipt after = ledger.usage().report(LOCAL, new UsageReport(s.id(), TOKENS, 40_000L, null, "self-2"));

        assertThat(after.claim()).isTrue();
        assertThat(after.note()).isEqualTo("this session's usage is captured from claude_code telemetry; this report "
                + "is kept as a claim and not added");
        assertThat(after.session().totals().costMicros()).as("reports before capture stay counted")
                .isEqualTo(130_000L);
        assertThat(session("cc-1").totals().costMicros()).isEqualTo(130_000L);
        assertThat(ledger.budgets().check(LOCAL, Ref.id(agent.id()), null, null).dailySpent()).isEqualTo(130_000L);
        assertThat(ledger.reports().costs(LOCAL, Ref.name(Team.DEFAULT_NAME), null, null).totalCostMicros())
                .isEqualTo(130_000L);
        List<UsageEntry> shown = ledger.reports().sessionUsage(LOCAL, s.id(), null, 10).events();
        assertThat(shown).hasSize(3);
        assertThat(shown.get(0).usage().claim()).as("the claim is kept and shown").isTrue();
        UsageReceipt replay = ledger.usage().report(LOCAL, new UsageReport(s.id(), TOKENS, 40_000L, null, "self-2"));
        assertThat(replay.duplicate()).isTrue();
        assertThat(replay.claim()).isTrue();
    }

    @Test
    void aReportWithACapturedEventsIdIsTheSameEvent() {
        ledger.capture().record(LOCAL, List.of(call(origin("cc-1"), "req_1", 100_000L)));
        Session s = session("cc-1");

        UsageReceipt report = ledger.usage().report(LOCAL, new UsageReport(s.id(), TOKENS, 99_000L, null, "req_1"));

        assertThat(report.duplicate()).isTrue();
        assertThat(report.costMicros()).isEqualTo(100_000L);
        assertThat(session("cc-1").totals().costMicros()).isEqualTo(100_000L);
    }

    @Test
    void aCapturedCallWithAReportedEventIdCountsOnce() {
        Session s = session("cc-1");
        ledger.usage().report(LOCAL, new UsageReport(s.id(), TOKENS, 70_000L, null, "req_1"));

        CaptureReceipt receipt = ledger.capture().record(LOCAL, List.of(call(origin("cc-1"), "req_1", 100_000L)));

        assertThat(receipt.duplicates()).isEqualTo(1);
        assertThat(session("cc-1").totals().costMicros()).isEqualTo(70_000L);
    }

    @Test
    void apiErrorsAreCountedOnTheSession() {
        CapturedError error = new CapturedError(origin("cc-1"), START, SONNET, "overloaded_error");
        CaptureReceipt receipt = ledger.capture().recordErrors(LOCAL, List.of(error, error));

        assertThat(receipt.accepted()).isEqualTo(2);
        assertThat(session("cc-1").capture().apiErrors()).isEqualTo(2L);
    }

    @Test
    void theMetricIsFlaggedWhenItExceedsTheEventsByMoreThanACent() {
        ledger.capture().record(LOCAL, List.of(call(origin("cc-1"), "req_1", 100_000L)));
        CaptureOrigin o = origin("cc-1");
        ledger.capture().recordMetrics(LOCAL, List.of(new MetricPoint(o, "model=sonnet", 60_000L, false, START),
                new MetricPoint(o, "model=haiku", 50_000L, false, START)));

        Session exact = session("cc-1");
        assertThat(exact.capture().metricCostMicros()).as("series add up").isEqualTo(110_000L);
        assertThat(exact.metricMismatch()).as("exactly one cent over is within tolerance").isFalse();

        ledger.capture().recordMetrics(LOCAL, List.of(new MetricPoint(o, "model=haiku", 1L, false, START)));
        assertThat(session("cc-1").metricMismatch()).as("a delta adds: one micro more than a cent").isTrue();

        ledger.capture().recordMetrics(LOCAL, List.of(new MetricPoint(o, "model=sonnet", 40_000L, true, START)));
        Session replaced = session("cc-1");
        assertThat(replaced.capture().metricCostMicros()).as("a cumulative point replaces its series")
                .isEqualTo(90_001L);
        assertThat(replaced.metricMismatch()).isFalse();
        assertThat(replaced.totals().costMicros()).as("metrics are never charged").isEqualTo(100_000L);
    }

    @Test
    void theCrossCheckLeavesOutSelfReportsMadeBeforeCapture() {
        Session s = session("cc-1");
        ledger.usage().report(LOCAL, new UsageReport(s.id(), TOKENS, 50_000L, null, "self-1"));
        ledger.capture().record(LOCAL, List.of(call(origin("cc-1"), "req_1", 100_000L)));
        ledger.capture().recordMetrics(LOCAL, List.of(new MetricPoint(origin("cc-1"), "", 110_001L, false, START)));

        Session flagged = session("cc-1");
        assertThat(flagged.totals().costMicros()).isEqualTo(150_000L);
        assertThat(flagged.capture().capturedCostMicros()).isEqualTo(100_000L);
        assertThat(flagged.metricMismatch()).as("the metric is compared with the captured calls").isTrue();
    }

    @Test
    void aSessionWithoutMetricsIsNotFlagged() {
        ledger.capture().record(LOCAL, List.of(call(origin("cc-1"), "req_1", 100_000L)));
        assertThat(session("cc-1").capture().metricCostMicros()).isNull();
        assertThat(session("cc-1").metricMismatch()).isFalse();
    }

    @Test
    void callsTheActorMayNotWriteAreRejectedAndTheRestRecorded() {
        Agent other = ledger.settings().setAgent(LOCAL, "eng-2", null, AgentSettings.none());
        Team platform = ledger.settings().setTeam(LOCAL, "platform", TeamSettings.none());
        Agent stranger = ledger.settings().setAgent(LOCAL, "ops-1", Ref.id(platform.id()), AgentSettings.none());
        Actor key = Actor.agent(agent.teamId(), agent.id());
        CaptureOrigin own = new CaptureOrigin(CaptureSource.CLAUDE_CODE, "cc-1", null, null);
        CaptureOrigin theirs = new CaptureOrigin(CaptureSource.CLAUDE_CODE, "cc-2", Ref.id(other.id()), null);

        CaptureReceipt receipt = ledger.capture().record(key, List.of(call(own, "req_1", 10_000L),
                call(theirs, "req_2", 10_000L)));

        assertThat(receipt.accepted()).isEqualTo(1);
        assertThat(receipt.rejected()).isEqualTo(1);
        assertThat(receipt.rejections()).singleElement().asString().contains("eng-2");
        assertThat(ledger.sessions().list(LOCAL, Ref.id(other.id()), SessionQuery.latest(10))).isEmpty();

        Actor admin = Actor.admin(agent.teamId());
        CaptureReceipt unnamed = ledger.capture().record(admin, List.of(call(own, "req_3", 10_000L)));
        assertThat(unnamed.rejected()).isEqualTo(1);
        assertThat(unnamed.rejections()).singleElement().asString().startsWith("entourage.agent:");
        CaptureOrigin crossTeam = new CaptureOrigin(CaptureSource.CLAUDE_CODE, "cc-3", Ref.id(stranger.id()), null);
        CaptureReceipt cross = ledger.capture().record(admin, List.of(call(crossTeam, "req_4", 10_000L)));
        assertThat(cross.rejected()).as("another team's agent is not found").isEqualTo(1);
        assertThat(cross.rejections()).singleElement().asString().startsWith("agent:");
        CaptureReceipt unknown = ledger.capture().record(admin, List.of(call(named(origin("cc-4"), "nobody"),
                "req_5", 10_000L)));
        assertThat(unknown.rejected()).isEqualTo(1);
        assertThat(fixture.rows("usage_events")).isEqualTo(1);
        assertThat(ledger.sessions().list(LOCAL, Ref.id(stranger.id()), SessionQuery.latest(10))).isEmpty();
    }

    @Test
    void anUnknownTaskIsCreatedForAnAdminAndLeftOutForAnAgentKey() {
        CaptureOrigin admins = new CaptureOrigin(CaptureSource.CODEX, "conv-1", Ref.id(agent.id()), "refactor");
        CaptureReceipt created = ledger.capture().record(LOCAL, List.of(call(admins, "r1", null)));
        assertThat(created.rejections()).isEmpty();
        Session withTask = ledger.sessions().openExternal(LOCAL, admins, null, null);
        assertThat(withTask.taskId()).isNotNull();
        assertThat(ledger.settings().task(LOCAL, withTask.taskId()).title()).isEqualTo("refactor");

        CaptureOrigin keys = new CaptureOrigin(CaptureSource.CODEX, "conv-2", null, "migrate");
        CaptureReceipt left = ledger.capture().record(Actor.agent(agent.teamId(), agent.id()),
                List.of(call(keys, "r2", null)));
        assertThat(left.accepted()).isEqualTo(1);
        assertThat(left.rejected()).isZero();
        assertThat(left.rejections()).singleElement().asString().contains("cannot create tasks");
        assertThat(ledger.sessions().openExternal(LOCAL, named(keys, "eng-1"), null, null).taskId()).isNull();

        CaptureOrigin existing = new CaptureOrigin(CaptureSource.CODEX, "conv-3", null, "refactor");
        ledger.capture().record(Actor.agent(agent.teamId(), agent.id()), List.of(call(existing, "r3", null)));
        assertThat(ledger.sessions().openExternal(LOCAL, named(existing, "eng-1"), null, null).taskId())
                .as("an agent key finds an existing task by its title").isEqualTo(withTask.taskId());
    }
}
