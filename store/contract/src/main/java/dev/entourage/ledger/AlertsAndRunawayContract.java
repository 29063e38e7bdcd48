package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import dev.entourage.ledger.testing.StoreContract;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Alerts (fired once per scope, window and threshold) and the runaway guard, over a real store. */
public abstract class AlertsAndRunawayContract extends StoreContract {
    private static final TokenCounts TOKENS = new TokenCounts(1_000, 100, 0, 0, 0);
    private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");

    private MutableClock clock;
    private LedgerServices service;

    protected AlertsAndRunawayContract() {
        super(START);
    }

    @BeforeEach
    void open() {
        clock = fixture.clock();
        service = fixture.services();
        service.settings().ensureDefaultTeam();
    }

    private static TeamSettings rate(Long microsPerMinute) {
        return new TeamSettings(Change.keep(), Change.keep(), Change.keep(), Change.keep(), Change.keep(),
                Change.keep(), Change.to(microsPerMinute));
    }

    private UsageReceipt report(long sessionId, long costMicros) {
        return service.usage().report(Actor.local(), new UsageReport(sessionId, TOKENS, costMicros, null, null));
    }

    @Test
    void runawayGuardStopsASessionSpendingFasterThanTheRateOverFiveMinutes() {
        Team team = service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, rate(100_000L)); // $0.10 a minute: $0.50 per 5 minutes
        assertThat(team.maxSessionRateMicros()).isEqualTo(100_000L);
        assertThat(service.settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME)).maxSessionRateMicros()).isEqualTo(100_000L);
        Agent agent = service.settings().ensureAgent(Actor.local(), "eng-1", null);
        long session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session().id();

        assertThat(report(session, 300_000).action()).isEqualTo(Action.CONTINUE);
        clock.advance(Duration.ofMinutes(2));
        assertThat(report(session, 200_000).action()).as("exactly the limit is not over it").isEqualTo(Action.CONTINUE);
        clock.advance(Duration.ofMinutes(1));
        UsageReceipt fast = report(session, 1);
        assertThat(fast.action()).isEqualTo(Action.STOP);
        assertThat(fast.stopReason()).isEqualTo("runaway");
        Violation v = fast.budget().violations().get(0);
        assertThat(v.scope()).isEqualTo(Scope.RUNAWAY);
        assertThat(v.limitMicros()).isEqualTo(500_000L);
        assertThat(v.spentMicros()).isEqualTo(500_001L);
        assertThat(service.sessions().get(Actor.local(), session).stopReason()).isEqualTo("runaway");

        // 5 minutes after the first report it falls out of the window: 200,001 + 1 in the window
        clock.advance(Duration.ofMinutes(2).plusMillis(1));
        UsageReceipt calm = report(session, 1);
        assertThat(calm.budget().violations()).extracting(Violation::scope).doesNotContain(Scope.RUNAWAY);
        assertThat(calm.action()).isEqualTo(Action.CONTINUE);

        // another session of the same agent has its own window
        long other = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session().id();
        assertThat(report(other, 400_000).action()).isEqualTo(Action.CONTINUE);

        // no guard: never runaway
        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, rate(null));
        assertThat(report(other, 5_000_000).action()).isEqualTo(Action.CONTINUE);
        assertThat(service.settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME)).maxSessionRateMicros()).isNull();
    }

    @Test
    void runawayRateMustNotBeNegative() {
        LedgerException e = catchThrowableOfType(LedgerException.class,
                () -> service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, rate(-1L)));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.getMessage()).contains("max_session_cost_per_minute_usd");
    }

    @Test
    void alertsFireOncePerScopeWindowAndThreshold() {
        Agent agent = service.settings().setAgent(Actor.local(), "eng-1", null, new AgentSettings(Change.to(1_000_000L), Change.keep()));
        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.to(10_000_000L), Change.keep(), Change.keep(),
                Change.keep()));
        Task task = service.settings().createTask(Actor.local(), Ref.parse(Team.DEFAULT_NAME), new NewTask("t", null, null, List.of(), 2_000_000L));
        long session = service.sessions().start(Actor.local(), Ref.id(agent.id()), task.id(), null).session().id();

        assertThat(report(session, 799_999).alerts()).isEmpty();
        UsageReceipt at80 = report(session, 1);
        assertThat(at80.alerts()).singleElement().satisfies(a -> {
            assertThat(a.scope()).isEqualTo(Scope.AGENT_DAILY);
            assertThat(a.thresholdPercent()).isEqualTo(80);
            assertThat(a.limitMicros()).isEqualTo(1_000_000L);
            assertThat(a.spentMicros()).isEqualTo(800_000L);
            assertThat(a.window()).isEqualTo("2026-11-28");
            assertThat(a.agentName()).isEqualTo("eng-1");
            assertThat(a.text()).contains("eng-1").contains("80%").contains("$0.80").contains("$1.00");
        });
        assertThat(report(session, 1).alerts()).isEmpty();
        // one report crossing 100% (agent) and 80% of the task at once
        UsageReceipt big = report(session, 900_000);
        assertThat(big.alerts()).extracting(Alert::scope, Alert::thresholdPercent)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(Scope.AGENT_DAILY, 100),
                        org.assertj.core.groups.Tuple.tuple(Scope.TASK, 80));
        assertThat(report(session, 900_000).alerts()).extracting(Alert::scope, Alert::thresholdPercent)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Scope.TASK, 100));
        assertThat(service.alerts().alerts(Actor.local(), Ref.parse(Team.DEFAULT_NAME), 100)).hasSize(4)
                .extracting(Alert::id).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        // a replay fires nothing
        UsageReport withId = new UsageReport(session, TOKENS, 1L, null, "evt-1");
        service.usage().report(Actor.local(), withId);
        assertThat(service.usage().report(Actor.local(), withId).alerts()).isEmpty();

        // the next day is a new window for the daily scopes; the task scope never resets
        clock.advance(Duration.ofDays(1));
        long next = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session().id();
        assertThat(report(next, 850_000).alerts()).extracting(Alert::scope, Alert::window)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Scope.AGENT_DAILY, "2026-11-29"));
        assertThat(service.alerts().alerts(Actor.local(), Ref.parse(Team.DEFAULT_NAME), 100)).hasSize(5);
        assertThat(service.alerts().alerts(Actor.local(), Ref.parse(Team.DEFAULT_NAME), 100).get(0).deliveredAt()).isNull();
    }

    @Test
    void thresholdsAndWebhookAreTeamSettings() {
        Team team = service.settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME));
        assertThat(team.alertThresholds()).containsExactly(80, 100);
        assertThat(team.alertWebhookUrl()).isNull();
        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.to(1_000_000L), Change.keep(), Change.keep(),
                Change.keep(), Change.to(List.of(100, 50, 50)), Change.to("https://hooks.example.com/x"),
                Change.keep()));
        team = service.settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME));
        assertThat(team.alertThresholds()).containsExactly(50, 100);
        assertThat(team.alertWebhookUrl()).isEqualTo("https://hooks.example.com/x");
        for (String bad : new String[] {"ftp://x", "not a url", "https://", "javascript:alert(1)"}) {
            LedgerException e = catchThrowableOfType(LedgerException.class, () -> service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.keep(), Change.keep(), Change.keep(), Change.keep(), Change.keep(),
                            Change.to(bad), Change.keep())));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.getMessage()).contains("alert_webhook_url");
        }
        LedgerException e = catchThrowableOfType(LedgerException.class, () -> service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.keep(), Change.keep(), Change.keep(), Change.keep(), Change.to(List.of(0)),
                        Change.keep(), Change.keep())));
        assertThat(e.getMessage()).contains("alert_thresholds");

        Agent agent = service.settings().ensureAgent(Actor.local(), "eng-2", null);
        long session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session().id();
        assertThat(report(session, 600_000).alerts()).extracting(Alert::scope, Alert::thresholdPercent)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Scope.TEAM_DAILY, 50));
        // turning alerts off: an empty list
        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.keep(), Change.keep(), Change.keep(),
                Change.keep(), Change.to(List.of()), Change.to(null), Change.keep()));
        assertThat(report(session, 600_000).alerts()).isEmpty();
        assertThat(service.settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME)).alertWebhookUrl()).isNull();
    }

    @Test
    void dueAlertsAreClaimedOnceAndRetriedUntilDelivered() {
        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.to(1_000_000L), Change.keep(), Change.keep(),
                Change.keep(), Change.keep(), Change.to("http://127.0.0.1:9/hook"), Change.keep()));
        Agent agent = service.settings().ensureAgent(Actor.local(), "eng-3", null);
        long session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session().id();
        report(session, 1_000_000);
        List<Alert> due = service.alerts().due(10, 100);
        assertThat(due).hasSize(2);
        long id = due.get(0).id();
        assertThat(service.alerts().claim(id, Duration.ofSeconds(30))).isTrue();
        assertThat(service.alerts().claim(id, Duration.ofSeconds(30))).as("leased").isFalse();
        service.alerts().recordAttempt(id, "connection refused", Duration.ofSeconds(2));
        assertThat(service.alerts().due(10, 100)).extracting(Alert::id).doesNotContain(id);
        clock.advance(Duration.ofSeconds(2));
        assertThat(service.alerts().due(10, 100)).extracting(Alert::id).contains(id);
        assertThat(service.alerts().claim(id, Duration.ofSeconds(30))).isTrue();
        service.alerts().recordAttempt(id, null, Duration.ZERO);
        Alert delivered = service.alerts().alerts(Actor.local(), Ref.parse(Team.DEFAULT_NAME), 10).stream().filter(a -> a.id() == id).findFirst()
                .orElseThrow();
        assertThat(delivered.deliveredAt()).isEqualTo(clock.instant());
        assertThat(delivered.attempts()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(1));
        assertThat(service.alerts().due(10, 100)).extracting(Alert::id).doesNotContain(id);
        assertThat(service.alerts().due(0, 100)).as("given up after max attempts").isEmpty();
    }
}
