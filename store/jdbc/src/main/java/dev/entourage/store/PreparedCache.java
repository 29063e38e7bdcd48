package dev.entourage.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private Runnable beforeFlush;
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
     * Runs {@code hook} at the start of every {@link #flush}, until it is set to null: a writer's batch that keeps
     * writes in memory ({@link DeferredWrites}) sends them there, before any statement that might read them.
     */
    void beforeFlush(Runnable hook) {
        beforeFlush = hook;
    }

    /**
     * Runs {@code work}, whose statements neither read what the {@link #beforeFlush} hook would send nor change
     * what readers of this cache may remember (see {@link #epoch}), without flushing first.
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
     * Changes whenever a statement ran that was not {@link #aside}, or the kept writes were sent: what a caller read
     * through aside statements at one epoch may be out of date at the next.
     */
    long epoch() {
        return epoch;
    }

    /** Sends the writes kept in memory (the {@link #beforeFlush} hook) and starts a new epoch. */
    void flush() {
        Runnable hook = beforeFlush;
        if (hook != null) {
            asideDepth++;
            try {
                hook.run();
            } finally {
                asideDepth--;
            }
        }
        epoch++;
    }

    /** A statement that is not aside sees every write before it, and may change anything. */
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
     * Runs a statement of several parts separated by semicolons, each returning rows (PostgreSQL sends them in one
     * round trip), and hands the rows of the i-th part to {@code parts.get(i)}.
     */
    void forEachPart(String sql, List<Each> parts, Object... parameters) {
        ordinary();
        try {
            PreparedStatement statement = bound(sql, parameters);
            boolean rows = statement.execute();
            for (Each part : parts) {
                if (!rows) {
                    throw new IllegalStateException("a part returned no rows: " + sql);
                }
                try (ResultSet rs = statement.getResultSet()) {
                    while (rs.next()) {
                        part.take(rs);
                    }
                }
                rows = statement.getMoreResults();
            }
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    /** Runs an INSERT, UPDATE or DELETE (or several, separated by semicolons); returns the rows the first changed. */
    int update(String sql, Object... parameters) {
        try {
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
