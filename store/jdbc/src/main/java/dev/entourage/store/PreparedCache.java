package dev.entourage.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The prepared statements of one connection, each compiled by SQLite once and kept until the connection closes,
 * for the statements every usage report and every authenticated request runs. Used by one thread at a time
 * (the writer, or whoever holds a pooled read connection); each use reads its results to the end before the
 * next, so one statement per SQL text suffices.
 */
final class PreparedCache {
    private final Connection connection;
    private final boolean checked;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    /** Statements with rows added by {@link #deferred} and not yet sent, in the order of their first row. */
    private final Set<PreparedStatement> pending = new LinkedHashSet<>();
    private boolean deferring;
    private Runnable beforeFlush;
    private int deferDepth;
    private int asideDepth;
    private long epoch;

    PreparedCache(Connection connection) {
        this(connection, true);
    }

    /**
     * @param checked whether to ask the driver, before each use, whether the statement still runs and how many
     *                parameters it takes: cheap on SQLite, a round trip to the server on PostgreSQL (whose
     *                statements are not finalized behind one's back)
     */
    PreparedCache(Connection connection, boolean checked) {
        this.connection = connection;
        this.checked = checked;
    }

    /** Reads one row at a time. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Lets {@link #deferred} keep the writes it runs until the next {@link #flush} (a writer's batch), or, with
     * false, makes it run them at once again (the default). Switching off drops rows not yet sent.
     */
    void deferWrites(boolean on) {
        deferring = on;
        if (!on) {
            beforeFlush = null;
            pending.forEach(PreparedCache::clearBatch);
            pending.clear();
        }
    }

    /**
     * Runs {@code hook} at the start of every {@link #flush} until deferring is switched off: a caller that keeps
     * writes in memory of its own defers them there, to be sent with the rest.
     */
    void beforeFlush(Runnable hook) {
        beforeFlush = hook;
    }

    /**
     * Runs {@code writes} with each {@link #update} in it kept as a row of a batch of its statement, sent at the next
     * {@link #flush} (the statement's rows in one round trip), when {@link #deferWrites deferring}; else at once.
     * Only for writes whose effect nothing reads before the flush but through {@link #aside} reads that know of
     * them; every other statement flushes first.
     */
    void deferred(Runnable writes) {
        deferDepth++;
        try {
            writes.run();
        } finally {
            deferDepth--;
        }
    }

    /**
     * Runs {@code work}, whose statements neither read what {@link #deferred} writes keep nor change what readers
     * of this cache may remember (see {@link #epoch}), without flushing first.
     */
    <T> T aside(java.util.function.Supplier<T> work) {
        asideDepth++;
        try {
            return work.get();
        } finally {
            asideDepth--;
        }
    }

    /**
     * Changes whenever a statement ran that was neither deferred nor {@link #aside}, or the deferred writes were
     * sent: what a caller read through aside statements at one epoch may be out of date at the next.
     */
    long epoch() {
        return epoch;
    }

    /** Sends every deferred row, each statement's rows as one batch. */
    void flush() {
        if (beforeFlush != null) {
            beforeFlush.run();
        }
        epoch++;
        if (pending.isEmpty()) {
            return;
        }
        try {
            for (PreparedStatement statement : pending) {
                statement.executeBatch();
            }
        } catch (SQLException e) {
            pending.forEach(PreparedCache::clearBatch);
            throw new SqlFailure(e);
        } finally {
            pending.clear();
        }
    }

    private static void clearBatch(PreparedStatement statement) {
        try {
            statement.clearBatch();
        } catch (SQLException ignored) {
            // the statement is gone, and its rows with it
        }
    }

    /** A statement that is neither deferred nor aside sees every write before it, and may change anything. */
    private void ordinary() {
        if (asideDepth == 0) {
            flush();
        }
    }

    /** The first row's value, if there is a row. */
    <T> Optional<T> one(String sql, Row<T> row, Object... parameters) {
        ordinary();
        try (ResultSet rs = bound(sql, parameters).executeQuery()) {
            return rs.next() ? Optional.of(row.read(rs)) : Optional.empty();
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    /** The first column of the first row as a long; {@code otherwise} without a row or for NULL. */
    long number(String sql, long otherwise, Object... parameters) {
        ordinary();
        try (ResultSet rs = bound(sql, parameters).executeQuery()) {
            if (!rs.next()) {
                return otherwise;
            }
            long value = rs.getLong(1);
            return rs.wasNull() ? otherwise : value;
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    <T> List<T> list(String sql, Row<T> row, Object... parameters) {
        ordinary();
        try (ResultSet rs = bound(sql, parameters).executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(row.read(rs));
            }
            return rows;
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    /** Takes one row at a time, keeping nothing. */
    @FunctionalInterface
    interface Each {
        void take(ResultSet rs) throws SQLException;
    }

    /** Hands every row to {@code row}, keeping none: for reads whose rows are summed as they come. */
    void forEach(String sql, Each row, Object... parameters) {
        ordinary();
        try (ResultSet rs = bound(sql, parameters).executeQuery()) {
            while (rs.next()) {
                row.take(rs);
            }
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    /**
     * Runs an INSERT, UPDATE or DELETE; returns the rows it changed. Inside {@link #deferred} while deferring, it
     * only adds a row to its statement's batch and returns 1.
     */
    int update(String sql, Object... parameters) {
        try {
            if (deferring && deferDepth > 0) {
                PreparedStatement statement = bound(sql, parameters);
                statement.addBatch();
                pending.add(statement);
                return 1;
            }
            ordinary();
            return bound(sql, parameters).executeUpdate();
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    private PreparedStatement bound(String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = checked ? reusable(statements.get(sql)) : statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        if (checked && statement.getParameterMetaData().getParameterCount() != parameters.length) {
            throw new IllegalArgumentException("SQL with a different number of parameters than given: " + sql);
        }
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    /**
     * {@code statement} if it can run again, else null: after some failures (SQLITE_FULL, say) the driver finalizes
     * a connection's statements, and {@code isClosed()} does not tell (asking for its parameter count does). Parameters
     * are not cleared: every use binds all of them, and clearing makes SQLite compile the statement again (its
     * plan may depend on the values bound), which costs more than the query.
     */
    static PreparedStatement reusable(PreparedStatement statement) {
        if (statement == null) {
            return null;
        }
        try {
            statement.getParameterMetaData().getParameterCount();
            return statement;
        } catch (SQLException finalized) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // finalized already
            }
            return null;
        }
    }

    /** Closes every statement (the connection is about to close, or a failure may have finalized some). */
    void close() {
        pending.clear();
        statements.values().forEach(statement -> {
            try {
                statement.close();
            } catch (SQLException e) {
                // the connection goes next, and with it anything left open
            }
        });
        statements.clear();
    }

    /** A failed statement, unchecked; the store turns it into a {@code StorageUnavailableException}. */
    static final class SqlFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SqlFailure(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        SQLException sqlException() {
            return (SQLException) getCause();
        }
    }
}
