package dev.entourage.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entourage.ledger.Budget;
import dev.entourage.ledger.BudgetExceededException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PendingSettlesTest {
    private static final Budget BUDGET = new Budget(1, null, null, List.of(), List.of(), Instant.EPOCH);

    private final PendingSettles settles = new PendingSettles();

    @Test
    void aRefusedBeginWaitsForTheSettleRunningBeforeItAndTriesOnceMore() throws Exception {
        CountDownLatch settling = new CountDownLatch(1);
        CountDownLatch settled = new CountDownLatch(1);
        Runnable settle = settles.later(() -> {
            settling.countDown();
            await(settled);
        });
        Thread writer = new Thread(settle);
        writer.start();
        assertThat(settling.await(5, TimeUnit.SECONDS)).isTrue();
        AtomicInteger attempts = new AtomicInteger();

        String begun = settles.begin(() -> {
            if (attempts.incrementAndGet() == 1) {
                settled.countDown();
                throw refusal();
            }
            return "held";
        });

        assertThat(begun).isEqualTo("held");
        assertThat(attempts).hasValue(2);
        writer.join(5_000);
        assertThat(settles.running()).isZero();
    }

    @Test
    void aRefusalStandsWhenNoSettleIsRunning() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> settles.begin(() -> {
            attempts.incrementAndGet();
            throw refusal();
        })).isInstanceOf(BudgetExceededException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aRefusalStandsWhenTheSettlesRunningAsItBeganDoNotEndInTime() {
        settles.later(() -> { });
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> settles.begin(() -> {
            attempts.incrementAndGet();
            throw refusal();
        })).isInstanceOf(BudgetExceededException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aRefusalIsRetriedOnlyOnce() {
        Runnable settle = settles.later(() -> { });
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> settles.begin(() -> {
            if (attempts.incrementAndGet() == 1) {
                settle.run();
            }
            throw refusal();
        })).isInstanceOf(BudgetExceededException.class);
        assertThat(attempts).hasValue(2);
    }

    @Test
    void aRetryWaitsOnlyForTheSettlesRunningWhenTheCallBegan() {
        Runnable before = settles.later(() -> { });
        AtomicInteger attempts = new AtomicInteger();

        String begun = settles.begin(() -> {
            if (attempts.incrementAndGet() == 1) {
                settles.later(() -> { });
                before.run();
                throw refusal();
            }
            return "held";
        });

        assertThat(begun).isEqualTo("held");
        assertThat(settles.running()).as("the settle started after the call began is still running").isEqualTo(1);
    }

    @Test
    void awaitAllReturnsOnceEverySettleHasRunEvenOneThatFailed() throws Exception {
        Runnable ok = settles.later(() -> { });
        Runnable failing = settles.later(() -> {
            throw new IllegalStateException("the ledger refused");
        });
        assertThat(settles.awaitAll(10)).isFalse();

        ok.run();
        assertThatThrownBy(failing::run).isInstanceOf(IllegalStateException.class);

        assertThat(settles.awaitAll(10)).isTrue();
        assertThat(settles.running()).isZero();
    }

    private static BudgetExceededException refusal() {
        return new BudgetExceededException("over the daily cap", BUDGET);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
