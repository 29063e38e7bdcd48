package dev.entourage.http.gateway;

import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.UsageReceipt;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges the gateway's abandoned calls their floor: once when the bridge starts (the calls a killed bridge left
 * open) and then every {@link #EVERY} on a daemon thread (calls whose holds expired, or whose bridge on this host
 * died meanwhile). See {@code MeteredCalls.recoverAbandoned}.
 */
public final class CallRecovery implements AutoCloseable {
    /** How often open calls are looked at after the start. */
    public static final Duration EVERY = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(CallRecovery.class);
    private final ScheduledExecutorService timer;

    private CallRecovery(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Recovers what is abandoned now, then starts the timer; closing the answer stops it. */
    public static CallRecovery start(LedgerServices ledger) {
        Objects.requireNonNull(ledger, "ledger");
        recover(ledger);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "entourage-gateway-recovery");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> recover(ledger), EVERY.toMillis(), EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return new CallRecovery(timer);
    }

    private static void recover(LedgerServices ledger) {
        try {
            List<UsageReceipt> charged = ledger.metered().recoverAbandoned();
            if (!charged.isEmpty()) {
                LOG.info("gateway: charged {} abandoned call(s) their floor ({} micro-dollars)", charged.size(),
                        charged.stream().mapToLong(UsageReceipt::costMicros).sum());
            }
        } catch (RuntimeException e) {
            LOG.warn("gateway: could not recover abandoned calls ({}); retrying in {}", e.getClass().getSimpleName(),
                    EVERY);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
