package dev.entourage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entourage.ledger.StorageUnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The group-commit queue on its own: who runs a batch, and what goes into it. */
class WriteQueueTest {
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final WriteQueue<String> queue = new WriteQueue<>("test-writer", batch -> {
        batches.add(batch.stream().map(write -> Thread.currentThread().getName()).toList());
        batch.forEach(write -> {
            write.run("context");
            write.complete();
        });
    });

    @AfterEach
    void stop() {
        queue.stop();
    }

    @Test
    void aWriteThatFindsTheWriterIdleRunsAtOnceOnTheCallersThread() {
        String ranOn = queue.submit(context -> Thread.currentThread().getName(), false);

        assertThat(ranOn).isEqualTo(Thread.currentThread().getName());
        assertThat(batches).hasSize(1);
    }

    @Test
    void writesQueuedWhileABatchRunsGoTogetherIntoTheNextBatchOnTheWritersThread() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> queue.submit(context -> {
            inside.countDown();
            await(release);
            return "first";
        }, false));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> queued = List.of(
                CompletableFuture.supplyAsync(() -> queue.submit(context -> Thread.currentThread().getName(), false)),
                CompletableFuture.supplyAsync(() -> queue.submit(context -> Thread.currentThread().getName(), false)));
        while (queue.queued() < 2) {
            Thread.onSpinWait();
        }

        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        for (CompletableFuture<String> write : queued) {
            assertThat(write.get(10, TimeUnit.SECONDS)).isEqualTo("test-writer");
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).containsExactly("test-writer", "test-writer");
    }

    @Test
    void aStoppedQueueRefusesNewWrites() {
        queue.stop();

        assertThatThrownBy(() -> queue.submit(context -> "late", false))
                .isInstanceOf(StorageUnavailableException.class);
        assertThat(batches).isEmpty();
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
