package dev.entourage.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on {@value #CHANNEL} on a connection of its own (outside the pool: it stays open while listeners are
 * subscribed) and calls every listener when a notice of another store arrives; every committed write of every
 * store sends one, naming its store.
 * The thread starts with the first subscriber; a lost connection is opened again a second later, and the listeners
 * are called once then, for what may have been missed meanwhile.
 */
final class PostgresChangeNotices implements AutoCloseable {
    /** The channel each write transaction notifies. */
    static final String CHANNEL = "entourage_ledger";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeNotices.class);
    private static final int WAIT_MILLIS = 250;
    private static final int START_MILLIS = 5_000;
    private static final int QUIET_MILLIS = 100;
    private static final int SETTLE_MILLIS = 400;

    private final PostgresTarget target;
    private final String origin;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch listening = new CountDownLatch(1);
    private Thread thread;
    private volatile boolean closed;

    /** @param origin the payload of the own store's notices, which are not passed on */
    PostgresChangeNotices(PostgresTarget target, String origin) {
        this.target = target;
        this.origin = origin;
    }

    /**
     * Adds {@code listener}; closing the answer removes it. Returns once the store listens (or after
     * {@value #START_MILLIS} ms when the server cannot be reached: it keeps trying), so a commit made after this
     * returns is not missed.
     */
    AutoCloseable subscribe(Runnable listener) {
        listeners.add(listener);
        synchronized (this) {
            if (thread == null && !closed) {
                thread = new Thread(this::run, "entourage-postgres-notices");
                thread.setDaemon(true);
                thread.start();
            }
        }
        try {
            listening.await(START_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return () -> listeners.remove(listener);
    }

    private void run() {
        boolean again = false;
        while (!closed) {
            try (Connection connection = connect()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                listening.countDown();
                if (again) {
                    listeners.forEach(PostgresChangeNotices::call); // what was missed while not listening
                }
                again = true;
                PGConnection listening = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] arrived = listening.getNotifications(WAIT_MILLIS);
                    if (fromOthers(arrived)) {
                        settle(listening);
                        listeners.forEach(PostgresChangeNotices::call);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Change notices interrupted ({}); listening again in a second", e.getClass().getSimpleName());
                pause();
            }
        }
    }

    /**
     * Waits until no notice has come for {@value #QUIET_MILLIS} ms (at most {@value #SETTLE_MILLIS} ms), so that the
     * commits of one burst (a session start is several) wake the listeners once.
     */
    private static void settle(PGConnection listening) throws SQLException {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            PGNotification[] more = listening.getNotifications(QUIET_MILLIS);
            if (more == null || more.length == 0) {
                return;
            }
        }
    }

    private boolean fromOthers(PGNotification[] arrived) {
        if (arrived != null) {
            for (PGNotification notice : arrived) {
                if (!origin.equals(notice.getParameter())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void call(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.debug("A change listener failed: {}", e.getClass().getSimpleName());
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), target.login());
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = thread;
        }
        if (running != null) {
            try {
                running.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
