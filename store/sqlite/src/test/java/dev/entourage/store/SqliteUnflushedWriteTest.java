package dev.entourage.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.ledger.LedgerWriter;
import dev.entourage.ledger.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SqliteLedgerStore#writeUnflushed}: its transaction commits with {@code synchronous=NORMAL} when it is alone
 * in its batch, with {@code FULL} when a durable write shares the batch, and every other write stays {@code FULL}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteUnflushedWriteTest {
    private static final long NORMAL = 1;
    private static final long FULL = 2;

    @TempDir
    Path dir;

    private SqliteLedgerStore store;

    private SqliteLedgerStore store() {
        if (store == null) {
            store = SqliteLedgerStore.open(dir.resolve("ledger.db"), SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT,
                    new MutableClock(Instant.parse("2026-12-03T10:00:00Z")));
        }
        return store;
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static long synchronous(LedgerWriter w) {
        return ((JdbiLedgerAccess) w).handle().createQuery("PRAGMA synchronous").mapTo(Long.class).one();
    }

    @Test
    void anUnflushedWriteAloneRunsWithSynchronousNormalAndTheNextDurableOneWithFull() {
        assertThat(store().write(SqliteUnflushedWriteTest::synchronous)).isEqualTo(FULL);
        assertThat(store().writeUnflushed(SqliteUnflushedWriteTest::synchronous)).isEqualTo(NORMAL);
        assertThat(store().write(SqliteUnflushedWriteTest::synchronous)).isEqualTo(FULL);
        assertThat(store().writeUnlessBusy(SqliteUnflushedWriteTest::synchronous)).isEqualTo(FULL);
    }

    @Test
    void anUnflushedWriteSharingItsBatchWithADurableOneIsFlushedWithIt() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Long> blocker = CompletableFuture.supplyAsync(() -> store().write(w -> {
            running.countDown();
            await(release);
            return synchronous(w);
        }));
        running.await();
        CompletableFuture<Long> unflushed = CompletableFuture.supplyAsync(
                () -> store().writeUnflushed(SqliteUnflushedWriteTest::synchronous));
        CompletableFuture<Long> durable = CompletableFuture.supplyAsync(
                () -> store().write(SqliteUnflushedWriteTest::synchronous));
        while (store().queuedWrites() < 2) {
            Thread.onSpinWait();
        }
        release.countDown();
        assertThat(blocker.get()).isEqualTo(FULL);
        assertThat(unflushed.get()).isEqualTo(FULL);
        assertThat(durable.get()).isEqualTo(FULL);
    }

    @Test
    void whatAnUnflushedWriteCommittedIsThereWhenTheLedgerIsOpenedAgain() {
        store().writeUnflushed(w -> {
            ((JdbiLedgerAccess) w).handle().execute("CREATE TABLE unflushed_probe (v INTEGER)");
            return ((JdbiLedgerAccess) w).handle().execute("INSERT INTO unflushed_probe VALUES (42)");
        });
        store.close();
        store = null;
        long value = store().read(r -> ((JdbiLedgerAccess) r).handle()
                .createQuery("SELECT v FROM unflushed_probe").mapTo(Long.class).one());
        assertThat(value).isEqualTo(42L);
    }

    @Test
    void theLogIsSyncedSoonAfterAnUnflushedCommitAndNotForDurableOnes() throws Exception {
        store().write(SqliteUnflushedWriteTest::synchronous);
        Thread.sleep(2 * WalFlusher.DELAY.toMillis());
        assertThat(store().walSyncs()).as("a durable commit syncs itself").isZero();

        store().writeUnflushed(SqliteUnflushedWriteTest::synchronous);
        store().writeUnflushed(SqliteUnflushedWriteTest::synchronous);

        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (store().walSyncs() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(store().walSyncs()).as("synced after them (once, unless they were a delay apart)")
                .isBetween(1L, 2L);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
