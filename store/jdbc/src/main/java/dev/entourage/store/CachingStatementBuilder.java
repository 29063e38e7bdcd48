package dev.entourage.store;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Keeps each prepared statement of one connection open and hands it out again for the same SQL, so a statement
 * run thousands of times a second is compiled by SQLite once. For the writer's connection: one thread, a few
 * dozen distinct statements. A statement still in use (a nested query of the same SQL) gets a fresh one, and
 * statements asking for generated keys are not cached.
 */
final class CachingStatementBuilder implements StatementBuilder {
    private final StatementBuilder plain = new DefaultStatementBuilder();
    private final Map<String, PreparedStatement> cached = new HashMap<>();
    private final Set<Statement> inUse = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    @Override
    public Statement create(Connection connection, StatementContext context) throws SQLException {
        return plain.create(connection, context);
    }

    @Override
    public PreparedStatement create(Connection connection, String sql, StatementContext context)
            throws SQLException {
        if (context.isReturningGeneratedKeys() || context.isConcurrentUpdatable()) {
            return plain.create(connection, sql, context);
        }
        PreparedStatement statement = cached.get(sql);
        if (statement != null && inUse.contains(statement)) {
            return connection.prepareStatement(sql);
        }
        statement = PreparedCache.reusable(statement);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            cached.put(sql, statement);
        }
        inUse.add(statement);
        return statement;
    }

    @Override
    public CallableStatement createCall(Connection connection, String sql, StatementContext context)
            throws SQLException {
        return plain.createCall(connection, sql, context);
    }

    @Override
    public void close(Connection connection, String sql, Statement statement) throws SQLException {
        if (inUse.remove(statement)) {
            return;
        }
        statement.close();
    }

    @Override
    public void close(Connection connection) {
        for (PreparedStatement statement : cached.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                // the connection closes next, and with it anything left
            }
        }
        cached.clear();
        inUse.clear();
    }
}
