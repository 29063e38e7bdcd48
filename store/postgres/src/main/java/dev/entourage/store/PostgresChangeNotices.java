package dev.entourage.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on {@value #CHANNEL} on a connection of its own (outside the pool: it stays open while listeners are
 * subscribed) and calls every listener when a notice arrives; every committed write of every process sends one.
 * The thread starts with the first subscriber; a lost connection is opened again a second later.
 */
final class PostgresChangeNotices implements AutoCloseable {
    /** The channel each write transaction notifies. */
    static final String CHANNEL = "entourage_ledger";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeNotices.class);
    private static final int WAIT_MILLIS = 250;

    private final PostgresTarget target;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private Thread thread;
    private volatile boolean closed;

    PostgresChangeNotices(PostgresTarget target) {
        this.target = target;
    }

    /** Adds {@code listener}; closing the answer removes it. */
    synchronized AutoCloseable subscribe(Runnable listener) {
        listeners.add(listener);
        if (thread == null && !closed) {
            thread = new Thread(this::run, "entourage-postgres-notices");
            thread.setDaemon(true);
            thread.start();
        }
        return () -> listeners.remove(listener);
    }

    private void run() {
        while (!closed) {
            try (Connection connection = connect()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection listening = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] arrived = listening.getNotifications(WAIT_MILLIS);
                    if (arrived != null && arrived.length > 0) {
                        listeners.forEach(PostgresChangeNotices::call);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Change notices interrupted ({}); listening again in a second", e.getClass().getSimpleName());
                pause();
            }
        }
    }

    private static void call(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.debug("A change listener failed: {}", e.getClass().getSimpleName());
        }
    }

    private Connection connect() throws SQLException {
        Properties login = new Properties();
        if (target.user() != null) {
            login.setProperty("user", target.user());
        }
        if (target.password() != null) {
            login.setProperty("password", target.password());
        }
        return DriverManager.getConnection(target.jdbcUrl(), login);
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
