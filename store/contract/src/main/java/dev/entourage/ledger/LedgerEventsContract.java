package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.ledger.events.LedgerEvent;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.spi.ManagedStore;
import dev.entourage.ledger.testing.StoreContract;
import dev.entourage.ledger.testing.StoreFixture;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events published after commits, the dashboard view, and noticing another process's writes; a real store. */
public abstract class LedgerEventsContract extends StoreContract {
    private Clock clock;
    private LedgerServices ledger;
    private final List<LedgerEvent> seen = new CopyOnWriteArrayList<>();

    protected LedgerEventsContract() {
        super(StoreFixture.DEFAULT_START);
    }

    @BeforeEach
    void open() {
        clock = fixture.clock();
        ledger = fixture.services();
        ledger.settings().ensureDefaultTeam();
        ledger.events().subscribe(seen::add);
    }

    private long session(String agent) {
        return ledger.sessions().start(Actor.local(), Ref.id(ledger.settings().ensureAgent(Actor.local(), agent, Ref.parse("default")).id()), null, null).session().id();
    }

    @Test
    void publishesEachCommittedChangeOnceAndAFailingListenerHarmsNothing() {
        ledger.events().subscribe(event -> {
            throw new IllegalStateException("a broken listener");
        });
        long id = session("eng-1");
        UsageReceipt receipt = ledger.usage().report(Actor.local(), new UsageReport(id, new TokenCounts(1, 1, 0, 0, 0), 10L, null, "e-1"));
        ledger.usage().report(Actor.local(), new UsageReport(id, new TokenCounts(1, 1, 0, 0, 0), 10L, null, "e-1")); // a replay
        ledger.sessions().kill(Actor.local(), id, "enough");
        ledger.sessions().kill(Actor.local(), id, "again"); // changes nothing
        ledger.sessions().end(Actor.local(), id); // changes nothing
        ledger.settings().updateAgent(Actor.local(), Ref.parse("eng-1"), new AgentSettings(Change.keep(), Change.to(true)));
        ledger.settings().updateTeam(Actor.local(), Ref.parse("default"), new TeamSettings(Change.keep(), Change.keep(), Change.to(true), Change.keep()));

        assertThat(seen).hasSize(6);
        assertThat(seen.get(0)).isInstanceOf(LedgerEvent.SessionChanged.class);
        assertThat(((LedgerEvent.UsageRecorded) seen.get(1)).receipt()).isEqualTo(receipt);
        assertThat(((LedgerEvent.SessionChanged) seen.get(2)).session().status()).isEqualTo(SessionStatus.KILLED);
        assertThat(((LedgerEvent.SessionKilled) seen.get(3)).reason()).isEqualTo("enough");
        assertThat(((LedgerEvent.AgentPaused) seen.get(4)).paused()).isTrue();
        assertThat(seen.get(5)).isEqualTo(new LedgerEvent.TeamPaused(ledger.settings().team(Actor.local(), Ref.parse("default")).id(), true));
        assertThat(seen).allMatch(e -> e.teamId() == ledger.settings().team(Actor.local(), Ref.parse("default")).id());
    }

    @Test
    void dashboardReadsTheTeamInOneView() {
        long a = session("eng-1");
        long b = session("eng-2");
        ledger.usage().report(Actor.local(), new UsageReport(a, new TokenCounts(1, 1, 0, 0, 0), 300L, null, null));
        ledger.sessions().end(Actor.local(), b);
        DashboardView view = ledger.reports().dashboard(Actor.local(), Ref.parse("default"));
        assertThat(view.spentMicros()).isEqualTo(300);
        assertThat(view.remainingMicros()).isNull();
        assertThat(view.agents()).extracting(ag -> ag.agent().name()).containsExactly("eng-1", "eng-2");
        assertThat(view.agents().get(0).activeSessions()).isEqualTo(1);
        assertThat(view.agents().get(0).spentMicros()).isEqualTo(300);
        assertThat(view.sessions()).extracting(Session::id).containsExactly(a);
        assertThat(view.recentSessions()).extracting(Session::id).containsExactly(b);
    }

    @Test
    void noticesWritesOfAnotherProcessButNotItsOwn() throws Exception {
        BlockingQueue<LedgerEvent> refreshes = new LinkedBlockingQueue<>();
        ledger.events().subscribe(e -> {
            if (e instanceof LedgerEvent.ExternalChange) {
                refreshes.add(e);
            }
        });
        long mine = session("eng-1");
        AutoCloseable watcher = ledger.watchOtherWriters(Duration.ofMillis(50));
        try {
            long own = session("eng-1");
            ledger.usage().report(Actor.local(), new UsageReport(own, new TokenCounts(1, 1, 0, 0, 0), 5L, null, null));
            ledger.sessions().end(Actor.local(), own);
            ledger.sessions().kill(Actor.local(), mine, null);
            ledger.settings().updateAgent(Actor.local(), Ref.parse("eng-1"), new AgentSettings(Change.keep(), Change.to(true)));
            assertThat(refreshes.poll(500, TimeUnit.MILLISECONDS)).as("own writes are no news").isNull();

            ManagedStore otherStore = fixture.openSecond();
            LedgerServices other = new LedgerServices(otherStore, PriceTable.bundled(), clock);
            long theirs = other.sessions().start(Actor.local(), Ref.id(other.settings().ensureAgent(Actor.local(), "side-1", Ref.parse("default")).id()), null, null).session().id();
            assertThat(refreshes.poll(2, TimeUnit.SECONDS)).as("a session the other process started").isNotNull();
            other.usage().report(Actor.local(), new UsageReport(theirs, new TokenCounts(1, 1, 0, 0, 0), 5L, null, null));
            assertThat(refreshes.poll(2, TimeUnit.SECONDS)).as("usage the other process recorded").isNotNull();
            other.sessions().end(Actor.local(), theirs);
            assertThat(refreshes.poll(2, TimeUnit.SECONDS)).as("a session the other process ended").isNotNull();
            other.settings().updateAgent(Actor.local(), Ref.parse("eng-1"), new AgentSettings(Change.keep(), Change.to(false)));
            assertThat(refreshes.poll(2, TimeUnit.SECONDS)).as("an agent the other process resumed").isNotNull();
            other.settings().updateTeam(Actor.local(), Ref.parse("default"), new TeamSettings(Change.to(5_000_000L), Change.keep(), Change.keep(),
                    Change.keep()));
            assertThat(refreshes.poll(2, TimeUnit.SECONDS)).as("a limit the other process set").isNotNull();
            assertThat(refreshes.poll(300, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            watcher.close();
        }
    }
}
