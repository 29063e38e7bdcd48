package dev.entourage.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The table-by-table work of {@link SqliteToPostgres}: which tables a SQLite ledger has and in which order their
 * foreign keys let them be filled, copying one table's rows (values converted to the target column's type), and
 * the totals both sides are checked by. Table and column names come from the databases' own catalogues, never
 * from input.
 */
final class TableCopy {
    private final Connection source;
    private final Connection into;
    private final Map<String, Map<String, String>> targetColumns = new HashMap<>();

    TableCopy(Connection source, Connection into) {
        this.source = source;
        this.into = into;
    }

    /** The source's tables but {@code schema_migrations} and SQLite's own, each after the tables it refers to. */
    List<String> inDependencyOrder() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = source.createStatement();
             ResultSet found = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' "
                     + "AND name <> 'schema_migrations' AND name NOT LIKE 'sqlite%' ORDER BY name")) {
            while (found.next()) {
                tables.add(found.getString(1));
            }
        }
        Map<String, Set<String>> parents = new HashMap<>();
        for (String table : tables) {
            Set<String> refs = new LinkedHashSet<>(pragma("foreign_key_list", table, "table"));
            refs.remove(table);
            parents.put(table, refs);
        }
        List<String> order = new ArrayList<>();
        while (order.size() < tables.size()) {
            boolean progressed = false;
            for (String table : tables) {
                if (!order.contains(table) && order.containsAll(parents.get(table).stream()
                        .filter(tables::contains).toList())) {
                    order.add(table);
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new IllegalStateException("foreign keys form a cycle among " + tables);
            }
        }
        return order;
    }

    /** Whether the target has {@code table} in its current schema. */
    boolean targetHas(String table) throws SQLException {
        return !columnsOfTarget(table).isEmpty();
    }

    /** Copies every row of {@code table}, {@code batch} rows per round trip; returns how many. */
    long copy(String table, int batch) throws SQLException {
        Map<String, String> types = columnsOfTarget(table);
        List<String> columns = pragma("table_info", table, "name");
        for (String column : columns) {
            if (!types.containsKey(column)) {
                throw new IllegalStateException("the target's " + table + " has no column " + column);
            }
        }
        String list = String.join(", ", columns);
        String insert = "INSERT INTO " + table + " (" + list + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
        long rows = 0;
        try (Statement s = source.createStatement();
             ResultSet read = s.executeQuery("SELECT " + list + " FROM \"" + table + "\"");
             PreparedStatement write = into.prepareStatement(insert)) {
            while (read.next()) {
                for (int i = 0; i < columns.size(); i++) {
                    bind(write, i + 1, types.get(columns.get(i)), read, i + 1);
                }
                write.addBatch();
                if (++rows % batch == 0) {
                    write.executeBatch();
                }
            }
            if (rows % batch != 0) {
                write.executeBatch();
            }
        }
        return rows;
    }

    /** One column of a SQLite {@code PRAGMA name("table")} answer, row by row. */
    private List<String> pragma(String name, String table, String column) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = source.createStatement();
             ResultSet rows = s.executeQuery("PRAGMA " + name + "(\"" + table + "\")")) {
            while (rows.next()) {
                values.add(rows.getString(column));
            }
        }
        return values;
    }

    private static void bind(PreparedStatement write, int at, String type, ResultSet read, int from)
            throws SQLException {
        switch (type) {
            case "bigint", "integer", "smallint" -> {
                long value = read.getLong(from);
                if (read.wasNull()) {
                    write.setNull(at, "bigint".equals(type) ? Types.BIGINT : Types.INTEGER);
                } else if ("bigint".equals(type)) {
                    write.setLong(at, value);
                } else {
                    write.setInt(at, Math.toIntExact(value));
                }
            }
            case "text", "character varying" -> write.setString(at, read.getString(from));
            case "bytea" -> write.setBytes(at, read.getBytes(from));
            default -> write.setObject(at, read.getObject(from));
        }
    }

    /** Moves every identity or serial sequence of {@code table} past the highest value copied into it. */
    void continueSequences(String table) throws SQLException {
        for (String column : columnsOfTarget(table).keySet()) {
            String sequence;
            try (PreparedStatement find = into.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
                find.setString(1, table);
                find.setString(2, column);
                try (ResultSet found = find.executeQuery()) {
                    found.next();
                    sequence = found.getString(1);
                }
            }
            if (sequence != null) {
                try (PreparedStatement set = into.prepareStatement("SELECT setval(?, COALESCE((SELECT MAX(" + column
                        + ") FROM " + table + "), 0) + 1, false)")) {
                    set.setString(1, sequence);
                    set.executeQuery().close();
                }
            }
        }
    }

    /** How many rows {@code table} has on {@code side} (the source or the target). */
    long count(Connection side, String table) throws SQLException {
        try (Statement s = side.createStatement();
             ResultSet found = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            found.next();
            return found.getLong(1);
        }
    }

    /** Per team, the sum of {@code table}'s {@code cost_micros} on {@code side}. */
    Map<Long, Long> costByTeam(Connection side, String table) throws SQLException {
        Map<Long, Long> sums = new TreeMap<>();
        try (Statement s = side.createStatement();
             ResultSet found = s.executeQuery("SELECT team_id, SUM(cost_micros) FROM " + table
                     + " GROUP BY team_id")) {
            while (found.next()) {
                sums.put(found.getLong(1), found.getLong(2));
            }
        }
        return sums;
    }

    private Map<String, String> columnsOfTarget(String table) throws SQLException {
        Map<String, String> known = targetColumns.get(table);
        if (known != null) {
            return known;
        }
        Map<String, String> columns = new java.util.LinkedHashMap<>();
        try (PreparedStatement find = into.prepareStatement("SELECT column_name, data_type FROM "
                + "information_schema.columns WHERE table_name = ? AND table_schema = current_schema() "
                + "ORDER BY ordinal_position")) {
            find.setString(1, table);
            try (ResultSet found = find.executeQuery()) {
                while (found.next()) {
                    columns.put(found.getString(1), found.getString(2));
                }
            }
        }
        targetColumns.put(table, columns);
        return columns;
    }
}
