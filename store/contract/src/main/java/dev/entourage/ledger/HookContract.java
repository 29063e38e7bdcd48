package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.capture.HookDecision;
import dev.entourage.ledger.capture.HookDecision.Outcome;
import dev.entourage.ledger.capture.HookEvent;
import dev.entourage.ledger.capture.HookRequest;
import dev.entourage.ledger.testing.StoreContract;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hook decisions and the sessions they open: find-or-create by the coding agent's own session id, STOP with a
 * reason a person can read once a cap is crossed (also by captured usage), the loop guard at N, the "used" note once
 * per threshold, and the events that are never blocked.
 */
public abstract class HookContract extends StoreContract {
    private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
    private static final TokenCounts TOKENS = new TokenCounts(1_000, 200, 0, 0, 0);
    private static final Actor LOCAL = Actor.local();
    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);

    private LedgerServices ledger;
    private Agent agent;

    protected HookContract() {
        super(START);
    }

    @BeforeEach
    void open() {
        ledger = fixture.services();
        ledger.settings().ensureDefaultTeam();
        agent = ledger.settings().setAgent(LOCAL, "eng-1", null, AgentSettings.none());
    }

    private static CaptureOrigin origin(String id) {
        return new CaptureOrigin(CaptureSource.CLAUDE_CODE, id, Ref.name("eng-1"), null);
    }

    private HookDecision hook(HookEvent event, String tool, String hash) {
        return ledger.hooks().decide(LOCAL, new HookRequest(origin("cc-1"), event, tool, hash, null, null));
    }

    private HookDecision preToolUse(String tool, String hash) {
        return hook(HookEvent.PRE_TOOL_USE, tool, hash);
    }

    private void capture(String eventId, long micros) {
        ledger.capture().record(LOCAL, List.of(new CapturedCall(origin("cc-1"), eventId, START, "claude-sonnet-4-5",
                TOKENS, micros, null, null, null)));
    }

    private void team(TeamSettings settings) {
        ledger.settings().setTeam(LOCAL, Team.DEFAULT_NAME, settings);
    }

    @Test
    void openExternalIsIdempotentAndKeepsTheFirstPlace() {
        Session first = ledger.sessions().openExternal(LOCAL, origin("cc-1"), "/work/app", null);
        Session again = ledger.sessions().openExternal(LOCAL, origin("cc-1"), "/elsewhere", "main");

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.capture().cwd()).as("the first cwd wins").isEqualTo("/work/app");
        assertThat(again.capture().gitBranch()).as("a branch given later is stored").isEqualTo("main");
        assertThat(fixture.rows("sessions")).isEqualTo(1);
        Session other = ledger.sessions().openExternal(LOCAL,
                new CaptureOrigin(CaptureSource.GEMINI, "cc-1", Ref.name("eng-1"), null), null, null);
        assertThat(other.id()).as("another source's id is another session").isNotEqualTo(first.id());
    }

    @Test
    void openExternalKeepsToTheActorsAgents() {
        Agent other = ledger.settings().setAgent(LOCAL, "eng-2", null, AgentSettings.none());
        Team platform = ledger.settings().setTeam(LOCAL, "platform", TeamSettings.none());
        Agent stranger = ledger.settings().setAgent(LOCAL, "ops-1", Ref.id(platform.id()), AgentSettings.none());
        Actor key = Actor.agent(agent.teamId(), agent.id());

        Session own = ledger.sessions().openExternal(key, new CaptureOrigin(CaptureSource.CLAUDE_CODE, "cc-9", null,
                null), null, null);
        assertThat(own.agentId()).isEqualTo(agent.id());
        LedgerException theirs = catchThrowableOfType(LedgerException.class, () -> ledger.sessions().openExternal(key,
                new CaptureOrigin(CaptureSource.CLAUDE_CODE, "cc-9", Ref.id(other.id()), null), null, null));
        assertThat(theirs.code()).isEqualTo(ErrorCode.FORBIDDEN);
        LedgerException crossTeam = catchThrowableOfType(LedgerException.class, () -> ledger.sessions().openExternal(
                Actor.admin(agent.teamId()), new CaptureOrigin(CaptureSource.CLAUDE_CODE, "cc-9",
                        Ref.id(stranger.id()), null), null, null));
        assertThat(crossTeam.code()).as("another team's agent id reveals nothing").isEqualTo(ErrorCode.NOT_FOUND);
        LedgerException unnamed = catchThrowableOfType(LedgerException.class, () -> ledger.sessions().openExternal(
                Actor.admin(agent.teamId()), new CaptureOrigin(CaptureSource.CLAUDE_CODE, "cc-9", null, null), null,
                null));
        assertThat(unnamed.details()).containsEntry("field", "entourage.agent");
        LedgerException viewer = catchThrowableOfType(LedgerException.class, () -> ledger.hooks().decide(
                Actor.viewer(agent.teamId()), new HookRequest(origin("cc-9"), HookEvent.PRE_TOOL_USE, "Bash", HASH_A,
                        null, null)));
        assertThat(viewer.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(fixture.rows("sessions")).isEqualTo(1);
    }

    @Test
    void openExternalIsNeverRefusedForBudgetAndHooksThenStop() {
        ledger.settings().setAgent(LOCAL, "eng-1", null, new AgentSettings(Change.to(0L), Change.keep()));
        Session session = ledger.sessions().openExternal(LOCAL, origin("cc-1"), null, null);
        assertThat(session.isActive()).isTrue();
        assertThat(preToolUse("Bash", HASH_A).outcome()).isEqualTo(Outcome.STOP);
    }

    @Test
    void sessionStartOpensAndSessionEndEndsAndAResumeReopens() {
        HookDecision start = ledger.hooks().decide(LOCAL, new HookRequest(origin("cc-1"), HookEvent.SESSION_START,
                null, null, "/repo", "feature/x"));
        Session opened = ledger.sessions().get(LOCAL, start.sessionId());
        assertThat(opened.isActive()).isTrue();
        assertThat(opened.capture().cwd()).isEqualTo("/repo");
        assertThat(opened.capture().gitBranch()).isEqualTo("feature/x");

        hook(HookEvent.SESSION_END, null, null);
        assertThat(ledger.sessions().get(LOCAL, start.sessionId()).status()).isEqualTo(SessionStatus.ENDED);
        assertThat(preToolUse("Bash", HASH_A).outcome()).as("an ended session is no reason to stop")
                .isEqualTo(Outcome.ALLOW);

        HookDecision resumed = hook(HookEvent.SESSION_START, null, null);
        assertThat(resumed.sessionId()).isEqualTo(start.sessionId());
        assertThat(ledger.sessions().get(LOCAL, start.sessionId()).isActive()).isTrue();
    }

    @Test
    void overTheCapEveryBlockingEventStopsWithAReasonAPersonCanRead() {
        team(new TeamSettings(Change.to(10_000_000L), Change.to(ZoneId.of("Europe/Paris")), Change.keep(),
                Change.keep()));
        assertThat(preToolUse("Bash", HASH_A).outcome()).isEqualTo(Outcome.ALLOW);
        capture("req_1", 10_000_000L);

        String reason = "Entourage: team default is over its $10.00 daily limit; resets 00:00 Europe/Paris";
        for (HookEvent blocking : List.of(HookEvent.PRE_TOOL_USE, HookEvent.POST_TOOL_BATCH,
                HookEvent.USER_PROMPT_SUBMIT)) {
            HookDecision decision = hook(blocking, "Bash", HASH_A);
            assertThat(decision.outcome()).as(blocking.name()).isEqualTo(Outcome.STOP);
            assertThat(decision.reason()).isEqualTo(reason);
        }
        assertThat(hook(HookEvent.STOP, null, null).outcome()).as("Stop is never blocked").isEqualTo(Outcome.ALLOW);
        assertThat(hook(HookEvent.SUBAGENT_STOP, null, null).outcome()).isEqualTo(Outcome.ALLOW);
    }

    @Test
    void anAgentsWeeklyCapSaysTheDayItResets() {
        ledger.settings().setAgent(LOCAL, "eng-1", null, new AgentSettings(Change.keep(), Change.keep())
                .withWindows(Change.to(1_000_000L), Change.keep()));
        capture("req_1", 1_000_000L);
        assertThat(preToolUse("Bash", HASH_A).reason())
                .isEqualTo("Entourage: agent eng-1 is over its $1.00 weekly limit; resets Mon 2026-11-30 00:00 UTC");
    }

    @Test
    void aPauseOrAKillStops() {
        Session session = ledger.sessions().openExternal(LOCAL, origin("cc-1"), null, null);
        ledger.settings().setAgent(LOCAL, "eng-1", null, new AgentSettings(Change.keep(), Change.to(true)));
        assertThat(preToolUse("Bash", HASH_A).reason()).isEqualTo("Entourage: agent eng-1 is paused by a person");
        ledger.settings().setAgent(LOCAL, "eng-1", null, new AgentSettings(Change.keep(), Change.to(false)));
        ledger.sessions().kill(LOCAL, session.id(), "runaway loop");
        HookDecision killed = preToolUse("Bash", HASH_A);
        assertThat(killed.outcome()).isEqualTo(Outcome.STOP);
        assertThat(killed.reason()).isEqualTo("Entourage: session " + session.id()
                + " was killed by a person: runaway loop");
        assertThat(hook(HookEvent.SESSION_START, null, null).sessionId()).isEqualTo(session.id());
        assertThat(ledger.sessions().get(LOCAL, session.id()).status()).as("a killed session stays killed")
                .isEqualTo(SessionStatus.KILLED);
    }

    @Test
    void theLoopGuardDeniesTheNthRepeatOfTheSameCall() {
        team(TeamSettings.none().withMaxRepeatedToolCalls(Change.to(3)));
        assertThat(preToolUse("Bash", HASH_A).outcome()).isEqualTo(Outcome.ALLOW);
        assertThat(preToolUse("Bash", HASH_A).outcome()).isEqualTo(Outcome.ALLOW);
        HookDecision third = preToolUse("Bash", HASH_A);
        assertThat(third.outcome()).isEqualTo(Outcome.DENY_TOOL);
        assertThat(third.reason()).isEqualTo("Entourage: Bash was called 3 times in a row with the same input "
                + "(max_repeated_tool_calls 3)");
        assertThat(preToolUse("Bash", HASH_A).outcome()).as("and every further repeat").isEqualTo(Outcome.DENY_TOOL);

        assertThat(preToolUse("Bash", HASH_B).outcome()).as("other input starts afresh").isEqualTo(Outcome.ALLOW);
        assertThat(preToolUse("Read", HASH_B).outcome()).as("another tool too").isEqualTo(Outcome.ALLOW);
        assertThat(preToolUse("Bash", HASH_B).outcome()).isEqualTo(Outcome.ALLOW);
        assertThat(hook(HookEvent.POST_TOOL_BATCH, null, null).outcome()).isEqualTo(Outcome.ALLOW);
        assertThat(preToolUse("Bash", HASH_B).outcome()).as("other events do not break the run")
                .isEqualTo(Outcome.ALLOW);
        assertThat(preToolUse("Bash", HASH_B).outcome()).isEqualTo(Outcome.DENY_TOOL);
    }

    @Test
    void withoutTheGuardRepeatsAreAllowedAndNothingIsWritten() {
        preToolUse("Bash", HASH_A);
        String before = String.join(",", fixture.everyCell());
        for (int i = 0; i < 10; i++) {
            assertThat(preToolUse("Bash", HASH_A).outcome()).isEqualTo(Outcome.ALLOW);
        }
        assertThat(String.join(",", fixture.everyCell())).as("a decision that changes nothing is a read")
                .isEqualTo(before);
    }

    @Test
    void theUsedNoteIsGivenOncePerThreshold() {
        ledger.settings().setAgent(LOCAL, "eng-1", null, new AgentSettings(Change.to(1_000_000L), Change.keep()));
        assertThat(preToolUse("Bash", HASH_A).context()).isNull();
        capture("req_1", 500_000L);
        assertThat(preToolUse("Bash", HASH_A).context()).as("50% is below the team's 80% threshold").isNull();
        capture("req_2", 320_000L);

        HookDecision noted = preToolUse("Bash", HASH_A);
        assertThat(noted.outcome()).isEqualTo(Outcome.ALLOW);
        assertThat(noted.context()).isEqualTo("Entourage: $0.82 of $1.00 used (82%) of agent eng-1's daily limit");
        assertThat(preToolUse("Bash", HASH_A).context()).as("once per threshold").isNull();
        assertThat(hook(HookEvent.USER_PROMPT_SUBMIT, null, null).context()).isNull();
    }

    @Test
    void withoutAlertThresholdsTheNotesComeAt50And75And90() {
        team(new TeamSettings(Change.keep(), Change.keep(), Change.keep(), Change.keep(), Change.to(List.of()),
                Change.keep(), Change.keep()));
        ledger.settings().setAgent(LOCAL, "eng-1", null, new AgentSettings(Change.to(1_000_000L), Change.keep()));
        capture("req_1", 500_000L);
        assertThat(preToolUse("Bash", HASH_A).context()).contains("(50%)");
        assertThat(preToolUse("Bash", HASH_A).context()).isNull();
        capture("req_2", 400_000L);
        assertThat(preToolUse("Bash", HASH_A).context()).as("75 and 90 crossed at once: one note")
                .contains("(90%)");
        assertThat(preToolUse("Bash", HASH_A).context()).isNull();
    }

    @Test
    void aNewDayResetsTheStop() {
        ledger.settings().setAgent(LOCAL, "eng-1", null, new AgentSettings(Change.to(1_000_000L), Change.keep()));
        capture("req_1", 1_000_000L);
        assertThat(preToolUse("Bash", HASH_A).outcome()).isEqualTo(Outcome.STOP);
        fixture.clock().advance(Duration.ofDays(1));
        assertThat(preToolUse("Bash", HASH_A).outcome()).isEqualTo(Outcome.ALLOW);
    }
}
