package dev.entourage.store;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Copies a SQLite ledger, with its whole history, into an empty PostgreSQL ledger ({@code entourage migrate}).
 * The source must be at this build's newest schema version; the target's schema is made (or brought up to date)
 * through the PostgreSQL store's normal open, and a target holding any row is refused. Every table but
 * {@code schema_migrations} is copied with its ids, parents before children, in batches, in one transaction that
 * is committed only once the totals agree: per table the row counts, per team the sums of
 * {@code cost_micros} in {@code usage_events}, {@code spend_rollups} and {@code hour_rollups}. A failure or a
 * mismatch leaves the target without data. Identity sequences then continue after the highest copied id.
 */
public final class SqliteToPostgres {
    /** Rows sent to the server per batch. */
    static final int BATCH = 5_000;

    private SqliteToPostgres() {
    }

    /**
     * What was copied: the target (without its password), each table's rows, the teams, the charged spend, and
     * every total that did not agree (empty when the copy was committed).
     */
    public record Result(String target, Map<String, Long> rows, long teams, long spendMicros, List<String> mismatches) {
        public Result {
            rows = Map.copyOf(rows);
            mismatches = List.copyOf(mismatches);
        }

        /** Every copied row, of every table. */
        public long totalRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Whether {@code db} names a PostgreSQL database (a {@code postgresql://} or {@code jdbc:postgresql:} URL). */
    public static boolean namesPostgres(String db) {
        return PostgresTarget.names(db);
    }

    /** {@code db} as it may be shown: the database's location without user, password or parameters. */
    public static String location(String db, Map<String, String> env) {
        return PostgresTarget.parse(db, env).location();
    }

    /**
     * Copies the ledger that {@code source} (a SQLite connection, read-only, not in auto-commit so that every read
     * sees one snapshot) holds into {@code targetDb}; {@code env} supplies {@code PGPASSWORD}.
     *
     * @throws LedgerException {@code conflict} when the source's schema is not the newest or the target holds data;
     *                         {@code storage_unavailable} when the target cannot be reached or written
     */
    public static Result copy(Connection source, String sourceName, String targetDb, Map<String, String> env,
                              Clock clock) {
        PostgresTarget target = PostgresTarget.parse(targetDb, env);
        checkSchema(source, sourceName);
        PostgresLedgerStore.open(target, clock).close();
        StorageFaults faults = new StorageFaults(target.location());
        Properties login = target.login();
        login.setProperty("reWriteBatchedInserts", "true");
        try (Connection into = DriverManager.getConnection(target.jdbcUrl(), login)) {
            into.setAutoCommit(false);
            try {
                Result result = copy(source, into, sourceName, target.location());
                if (result.mismatches().isEmpty()) {
                    into.commit();
                } else {
                    into.rollback();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                into.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw faults.unavailable("migrate into " + target.location(), e);
        }
    }

    private static Result copy(Connection source, Connection into, String sourceName, String location)
            throws SQLException {
        TableCopy tables = new TableCopy(source, into);
        List<String> order = tables.inDependencyOrder();
        for (String table : order) {
            if (!tables.targetHas(table)) {
                throw new LedgerException(ErrorCode.CONFLICT, location + " has no table " + table + " that "
                        + sourceName + " has; nothing was written", Map.of("field", "to"), null);
            }
            if (tables.count(into, table) > 0) {
                throw new LedgerException(ErrorCode.CONFLICT, location + " already holds a ledger (table " + table
                        + " has rows); nothing was written. Migrate into an empty database (createdb a new one, "
                        + "or drop and recreate its schema)", Map.of("field", "to"), null);
            }
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : order) {
            rows.put(table, tables.copy(table, BATCH));
        }
        for (String table : order) {
            tables.continueSequences(table);
        }
        List<String> mismatches = new ArrayList<>();
        for (String table : order) {
            long there = tables.count(into, table);
            if (there != rows.get(table) || there != tables.count(source, table)) {
                mismatches.add(table + ": " + tables.count(source, table) + " rows in " + sourceName + ", " + there
                        + " in " + location);
            }
        }
        for (String table : List.of("usage_events", "spend_rollups", "hour_rollups")) {
            Map<Long, Long> from = tables.costByTeam(source, table);
            Map<Long, Long> to = tables.costByTeam(into, table);
            if (!from.equals(to)) {
                mismatches.add(table + ": cost_micros per team " + from + " in " + sourceName + ", " + to + " in "
                        + location);
            }
        }
        long spend = tables.costByTeam(into, "spend_rollups").values().stream().mapToLong(Long::longValue).sum();
        return new Result(location, rows, tables.count(into, "teams"), spend, mismatches);
    }

    private static void checkSchema(Connection source, String sourceName) {
        List<Integer> versions = new ArrayList<>();
        try (var statement = source.createStatement();
             var found = statement.executeQuery("SELECT version FROM schema_migrations ORDER BY version")) {
            while (found.next()) {
                versions.add(found.getInt(1));
            }
        } catch (SQLException e) {
            throw new LedgerException(ErrorCode.NOT_FOUND, sourceName + " is not an Entourage ledger (it has no "
                    + "schema_migrations table); nothing was written", Map.of("field", "from"), null);
        }
        int newest = Migrations.count();
        int highest = versions.isEmpty() ? 0 : versions.get(versions.size() - 1);
        if (highest > newest) {
            throw new LedgerException(ErrorCode.CONFLICT, sourceName + " is at schema version " + highest
                    + ", newer than this entourage's " + newest + ": migrate it with the entourage that wrote it; "
                    + "nothing was written", Map.of("field", "from"), null);
        }
        if (versions.size() != newest) {
            throw new LedgerException(ErrorCode.CONFLICT, sourceName + " is at schema version " + highest
                    + ", older than this entourage's " + newest + ": bring it up to date first with `entourage "
                    + "doctor --db " + sourceName + "` (any command opening it does), then migrate again; nothing "
                    + "was written", Map.of("field", "from"), null);
        }
    }
}
