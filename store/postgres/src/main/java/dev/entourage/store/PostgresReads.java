package dev.entourage.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;

/**
 * Read transactions on a pool of their own, whose connections are REPEATABLE READ, READ ONLY and not in autocommit
 * from the start: pgjdbc then sends {@code BEGIN READ ONLY} with a read's first query, so a one-query read (the key
 * lookup of every request) is two round trips, the query and COMMIT, and needs no Jdbi handle; one is opened on the
 * same connection only for queries that are not on the {@link PreparedCache}.
 */
final class PostgresReads implements AutoCloseable {
    private final HikariDataSource pool;
    /** The connection the calling thread's read holds, for {@link #jdbi}. */
    private final ThreadLocal<Connection> leased = new ThreadLocal<>();
    private final Jdbi jdbi = Jdbi.create(new ConnectionFactory() {
        @Override
        public Connection openConnection() {
            return leased.get();
        }

        @Override
        public void closeConnection(Connection connection) {
            // the read returns it to the pool
        }
    });

    /** @param config the store's pool settings, of which this makes a read-only copy */
    PostgresReads(HikariConfig config, int size) {
        HikariConfig reads = new HikariConfig();
        config.copyStateTo(reads);
        reads.setPoolName(config.getPoolName() + "-reads");
        reads.setMaximumPoolSize(size);
        reads.setAutoCommit(false);
        reads.setReadOnly(true);
        reads.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
        this.pool = new HikariDataSource(reads);
        jdbi.getConfig(Handles.class).setForceEndTransactions(false);
    }

    /** Runs {@code work} in one read transaction (one snapshot) and ends it. */
    <T> T read(Function<JdbiLedgerAccess, T> work) throws SQLException {
        Connection previous = leased.get();
        try (Connection connection = pool.getConnection()) {
            PreparedCache sql = new PreparedCache(connection, false);
            Handle[] handle = new Handle[1];
            leased.set(connection);
            try {
                T result = work.apply(new JdbiLedgerAccess(() -> {
                    if (handle[0] == null) {
                        handle[0] = jdbi.open();
                    }
                    return handle[0];
                }, sql));
                connection.commit();
                return result;
            } catch (RuntimeException | SQLException e) {
                rollback(connection);
                throw e;
            } finally {
                if (handle[0] != null) {
                    handle[0].close();
                }
                sql.close();
                leased.set(previous);
            }
        }
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; the pool drops it
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
