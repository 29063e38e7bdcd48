package dev.entourage.ledger.events;

import dev.entourage.ledger.LedgerStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices writes of OTHER processes on the same database (stdio sidecars) and publishes an
 * {@link LedgerEvent.ExternalChange} for them. Every poll counts usage rows and sessions added, and sessions
 * closed, since the watch began (a {@link ChangeMarker}); this process's own writes are counted from its own
 * published events. When the store shows more than this process wrote, someone else wrote. The count of the
 * store is taken before this process's count, so an own write is never mistaken the other way round; at worst
 * an own write committed but not yet published gives one needless refresh. Settings (pause state, limits, zones,
 * new tasks) are compared as a digest: a change in a poll interval without an own pause event is news (so a limit
 * this process changed, which publishes no event, also gives a refresh). The first look, one interval after the
 * start and on the watcher's thread (a store that is down at start delays nothing), only takes the baseline.
 *
 * <p>A store that tells of other processes' commits itself ({@link LedgerStore#watchCommits}, PostgreSQL's
 * LISTEN/NOTIFY) is not polled: each of its notices is news, published as it arrives, and this process's own writes
 * never are (the store leaves them out), so there is no counting to race with.
 */
public final class ChangeWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeWatcher.class);

    private final LedgerStore store;
    private final LedgerEvents events;
    private final Duration every;
    private final AtomicLong ownUsage = new AtomicLong();
    private final AtomicLong ownSessions = new AtomicLong();
    private final AtomicLong ownClosed = new AtomicLong();
    private final AtomicLong ownSettings = new AtomicLong();
    private final AutoCloseable subscription;
    private final AutoCloseable notices;
    private final Thread thread;
    private final Object sleep = new Object();
    private volatile boolean closed;

    private long usageAfter;
    private long sessionsAfter;
    private long closedFrom;
    private long storeUsage;
    private long storeSessions;
    private long closedAtStart;
    private long ownUsageAtStart;
    private long ownSessionsAtStart;
    private long ownClosedAtStart;
    private long lastExternal;
    private String lastSettings;
    private long ownSettingsSeen;
    private boolean started;

    /** Starts watching {@code store} every {@code every}, publishing on {@code events}; {@link #close()} stops it. */
    public ChangeWatcher(LedgerStore store, LedgerEvents events, Duration every) {
        this.store = store;
        this.events = events;
        this.every = every;
        this.subscription = events.subscribe(this::count);
        this.notices = store.watchCommits(this::notice).orElse(null);
        if (notices == null) {
            this.thread = new Thread(this::run, "entourage-change-watcher");
            this.thread.setDaemon(true);
            this.thread.start();
        } else {
            this.thread = null;
        }
    }

    private void notice() {
        if (!closed) {
            events.publish(new LedgerEvent.ExternalChange());
        }
    }

    private void count(LedgerEvent event) {
        if (event instanceof LedgerEvent.UsageRecorded) {
            ownUsage.incrementAndGet();
        } else if (event instanceof LedgerEvent.SessionChanged changed) {
            (changed.session().isActive() ? ownSessions : ownClosed).incrementAndGet();
        } else if (event instanceof LedgerEvent.AgentPaused || event instanceof LedgerEvent.TeamPaused) {
            ownSettings.incrementAndGet();
        }
    }

    private void baseline() {
        long[] start = store.read(r -> {
            long oldestActive = r.oldestActiveSessionId();
            ChangeMarker now = r.changeMarker(Long.MAX_VALUE, Long.MAX_VALUE, oldestActive);
            lastSettings = now.settings();
            return new long[] {now.usageMaxId(), now.sessionMaxId(), oldestActive, now.closedSessions()};
        });
        ownSettingsSeen = ownSettings.get();
        usageAfter = start[0];
        sessionsAfter = start[1];
        closedFrom = start[2];
        closedAtStart = start[3];
        ownUsageAtStart = ownUsage.get();
        ownSessionsAtStart = ownSessions.get();
        ownClosedAtStart = ownClosed.get();
    }

    private void run() {
        while (!closed) {
            try {
                synchronized (sleep) {
                    if (!closed) {
                        sleep.wait(every.toMillis());
                    }
                }
                if (closed) {
                    return;
                }
                if (!started) {
                    baseline();
                    started = true;
                } else {
                    poll();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.debug("Could not look for other writers this time: {}", e.getMessage());
            }
        }
    }

    /** One look; publishes a refresh when the store shows writes this process did not make. */
    void poll() {
        ChangeMarker now = store.read(r -> r.changeMarker(usageAfter, sessionsAfter, closedFrom));
        storeUsage += now.newUsage();
        storeSessions += now.newSessions();
        usageAfter = Math.max(usageAfter, now.usageMaxId());
        sessionsAfter = Math.max(sessionsAfter, now.sessionMaxId());
        long external = storeUsage - (ownUsage.get() - ownUsageAtStart)
                + storeSessions - (ownSessions.get() - ownSessionsAtStart)
                + now.closedSessions() - closedAtStart - (ownClosed.get() - ownClosedAtStart);
        long settingsNow = ownSettings.get();
        boolean settingsChanged = !now.settings().equals(lastSettings) && settingsNow == ownSettingsSeen;
        if ((external > lastExternal || settingsChanged) && !closed) {
            events.publish(new LedgerEvent.ExternalChange());
        }
        lastExternal = external;
        lastSettings = now.settings();
        ownSettingsSeen = settingsNow;
    }

    /** Stops the thread (waits up to 2 s for it) and the counting of this process's events. */
    @Override
    public void close() {
        closed = true;
        try {
            if (notices != null) {
                notices.close();
            }
            subscription.close();
        } catch (Exception e) {
            LOG.debug("Could not unsubscribe: {}", e.getMessage());
        }
        synchronized (sleep) {
            sleep.notifyAll();
        }
        if (thread == null) {
            return;
        }
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
