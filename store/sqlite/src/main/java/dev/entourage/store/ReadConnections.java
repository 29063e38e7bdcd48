package dev.entourage.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Jdbi;

/**
 * A small pool of read connections, opened on demand and kept for reuse. Each pooled connection keeps its
 * compiled statements ({@link PreparedCache}) and a Jdbi bound to it, so a read leases one connection and runs
 * everything on it.
 */
final class ReadConnections implements ConnectionFactory, AutoCloseable {
    private final ConnectionFactory opener;
    private final BlockingQueue<Connection> idle;
    private final Map<Connection, Lease> leases = new ConcurrentHashMap<>();

    ReadConnections(ConnectionFactory opener, int maxIdle) {
        this.opener = opener;
        this.idle = new ArrayBlockingQueue<>(maxIdle);
    }

    /** One connection held by one reader until {@link #close()}, with its statements and its own Jdbi. */
    final class Lease implements AutoCloseable {
        private final Connection connection;
        private final PreparedCache statements;
        private final Jdbi jdbi;
        private boolean broken;

        private Lease(Connection connection) {
            this.connection = connection;
            this.statements = new PreparedCache(connection);
            this.jdbi = Jdbi.create(new ConnectionFactory() {
                @Override
                public Connection openConnection() {
                    return connection;
                }

                @Override
                public void closeConnection(Connection toClose) {
                    // the pool keeps it
                }
            });
        }

        PreparedCache statements() {
            return statements;
        }

        Jdbi jdbi() {
            return jdbi;
        }

        /** The connection must not be reused (e.g. a transaction on it could not be ended). */
        void discard() {
            broken = true;
        }

        @Override
        public void close() {
            if (broken) {
                leases.remove(connection);
                statements.close();
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // it was broken already
                }
                return;
            }
            try {
                closeConnection(connection);
            } catch (SQLException e) {
                leases.remove(connection);
                statements.close();
            }
        }
    }

    /** Takes an idle connection, or opens one. */
    Lease lease() throws SQLException {
        Connection connection = openConnection();
        return leases.computeIfAbsent(connection, Lease::new);
    }

    @Override
    public Connection openConnection() throws SQLException {
        Connection connection = idle.poll();
        return connection != null ? connection : opener.openConnection();
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        if (connection.isClosed()) {
            forget(connection);
            return;
        }
        if (!connection.getAutoCommit()) {
            connection.rollback();
            connection.setAutoCommit(true);
        }
        if (!idle.offer(connection)) {
            forget(connection);
            connection.close();
        }
    }

    private void forget(Connection connection) {
        Lease lease = leases.remove(connection);
        if (lease != null) {
            lease.statements.close();
        }
    }

    @Override
    public void close() {
        Connection connection;
        while ((connection = idle.poll()) != null) {
            forget(connection);
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing at shutdown; nothing to recover
            }
        }
    }
}
