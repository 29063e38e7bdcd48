package dev.entourage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerWriter;
import dev.entourage.ledger.Scope;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SpendKey;
import dev.entourage.ledger.StorageUnavailableException;
import dev.entourage.ledger.Team;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL store's group commit: the writes queued together share one transaction, each in its savepoint when
 * one fails; what a batch reads ahead with its lock is as current as a read of its own.
 */
class PostgresGroupCommitTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

    @RegisterExtension
    final PostgresStoreFixture fixture = new PostgresStoreFixture();

    private final ExecutorService callers = Executors.newFixedThreadPool(5);

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void aFailingPieceIsRolledBackAloneAndTheOthersCommitInOneTransaction() throws Exception {
        PostgresLedgerStore store = (PostgresLedgerStore) fixture.store();
        store.write(w -> w.insertTeam("taken", NOW));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> first = callers.submit(() -> store.write(w -> {
            holding.countDown();
            await(release);
            return insertedIn(w, "first");
        }));
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();

        Future<Object> refused = callers.submit(() -> store.write(w -> {
            w.insertTeam("refused", NOW);
            throw LedgerException.invalid("name", "refused on purpose");
        }));
        Future<Object> duplicate = callers.submit(() -> store.write(w -> {
            w.insertTeam("half", NOW);
            return w.insertTeam("taken", NOW);
        }));
        Future<Long> one = callers.submit(() -> store.write(w -> insertedIn(w, "one")));
        Future<Long> two = callers.submit(() -> store.write(w -> insertedIn(w, "two")));
        waitUntilQueued(store, 4);
        release.countDown();

        long firstTransaction = first.get(30, TimeUnit.SECONDS);
        long oneTransaction = one.get(30, TimeUnit.SECONDS);
        assertThat(two.get(30, TimeUnit.SECONDS)).as("the writes queued together share one transaction")
                .isEqualTo(oneTransaction);
        assertThat(oneTransaction).isNotEqualTo(firstTransaction);
        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(LedgerException.class).hasMessageContaining("refused on purpose");
        assertThatThrownBy(() -> duplicate.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(StorageUnavailableException.class);

        assertThat(fixture.cell("SELECT string_agg(name, ',' ORDER BY name) FROM teams"))
                .isEqualTo("first,one,taken,two");
    }

    @Test
    void aBatchReadsWhatTheBatchBeforeAskedForAsOthersHaveLeftItSince() throws Exception {
        PostgresLedgerStore store = (PostgresLedgerStore) fixture.store();
        Team team = store.write(w -> w.insertTeam("team", NOW));
        Agent agent = store.write(w -> w.insertAgent("agent", team.id(), NOW));
        Session session = store.write(w -> w.insertSession(agent, null, "model", NOW));
        SpendKey counter = new SpendKey(Scope.AGENT_DAILY, agent.id(), "2026-11-28");
        store.write(w -> w.addSpend(counter, 5));
        List<Object> before = store.write(w -> seen(w, session, counter));
        assertThat(before).containsExactly(0L, false, "UTC", 5L);

        try (Connection other = fixture.connect(fixture.dir()); Statement change = other.createStatement()) {
            change.executeUpdate("UPDATE sessions SET cost_micros = cost_micros + 7 WHERE id = " + session.id());
            change.executeUpdate("UPDATE agents SET paused = 1 WHERE id = " + agent.id());
            change.executeUpdate("UPDATE teams SET timezone = 'Asia/Kolkata' WHERE id = " + team.id());
            change.executeUpdate("UPDATE spend_counters SET spent_micros = spent_micros + 100 "
                    + "WHERE scope = 'agent_daily' AND scope_id = " + agent.id());
        }

        List<Object> after = store.write(w -> seen(w, session, counter));
        assertThat(after).as("what the batch before asked for is read again with the lock, not remembered")
                .containsExactly(7L, true, "Asia/Kolkata", 105L);
        long added = store.write(w -> w.addSpend(counter, 1));
        assertThat(added).isEqualTo(106L);
        assertThat(fixture.cell("SELECT spent_micros FROM spend_counters WHERE scope_id = " + agent.id()))
                .isEqualTo("106");
    }

    /** What a piece reads of the session, its agent and team, and a counter. */
    private static List<Object> seen(LedgerWriter w, Session session, SpendKey counter) {
        return List.of(w.session(session.id()).orElseThrow().totals().costMicros(),
                w.agent(session.agentId()).orElseThrow().paused(),
                w.team(session.teamId()).orElseThrow().zone().getId(), w.spent(counter));
    }

    /** Inserts team {@code name}; returns the (top-level) transaction it was written in. */
    private static long insertedIn(LedgerWriter w, String name) {
        w.insertTeam(name, NOW);
        return ((JdbiLedgerAccess) w).sql().number("SELECT txid_current()", -1);
    }

    private static void waitUntilQueued(PostgresLedgerStore store, int writes) throws InterruptedException {
        for (int i = 0; i < 3_000 && store.queuedWrites() < writes; i++) {
            Thread.sleep(10);
        }
        assertThat(store.queuedWrites()).isEqualTo(writes);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
