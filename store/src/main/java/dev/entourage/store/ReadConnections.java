package dev.entourage.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jdbi.v3.core.ConnectionFactory;

/** A small pool of read connections, opened on demand and kept for reuse. */
final class ReadConnections implements ConnectionFactory, AutoCloseable {
    private final ConnectionFactory opener;
    private final BlockingQueue<Connection> idle;

    ReadConnections(ConnectionFactory opener, int maxIdle) {
        this.opener = opener;
        this.idle = new ArrayBlockingQueue<>(maxIdle);
    }

    @Override
    public Connection openConnection() throws SQLException {
        Connection connection = idle.poll();
        return connection != null ? connection : opener.openConnection();
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        if (connection.isClosed()) {
            return;
        }
        if (!connection.getAutoCommit()) {
            connection.rollback();
            connection.setAutoCommit(true);
        }
        if (!idle.offer(connection)) {
            connection.close();
        }
    }

    @Override
    public void close() {
        Connection connection;
        while ((connection = idle.poll()) != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing at shutdown; nothing to recover
            }
        }
    }
}
