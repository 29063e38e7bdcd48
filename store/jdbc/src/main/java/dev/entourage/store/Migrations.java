package dev.entourage.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Versioned schema migrations, applied in order in one write transaction each, so processes that start
 * together on one database apply each version exactly once. Every dialect has a script of the same name for every
 * version ({@code db/sqlite/V9__x.sql} and {@code db/postgres/V9__x.sql}): porting a
 * migration is adding its file. A database at the newest version already is only read, so a process can open it
 * while another holds the write lock.
 */
final class Migrations {
    /** The migration scripts of every dialect, in version order: {@code db/<dialect>/V<n>__<name>.sql}. */
    private static final List<String> SQLITE = List.of("V1__ledger.sql", "V2__access.sql", "V3__holds.sql",
            "V4__alerts.sql", "V5__windows_and_session_caps.sql",
            "V6__event_ids_per_agent.sql", "V7__team_agent_defaults.sql", "V8__capture.sql", "V9__gateway.sql",
            "V10__spend_rollups.sql", "V11__usage_wire_fields.sql", "V12__unpriced_models.sql",
            "V13__hour_rollups.sql", "V14__active_sessions_by_team.sql");

    private Migrations() {
    }

    /** How many versions there are: the newest version. */
    static int count() {
        return SQLITE.size();
    }

    /** Brings the schema to the newest version (writing nothing when it is there already); returns that version. */
    static int apply(Handle handle, Dialect dialect, Clock clock) {
        if (upToDate(handle, dialect)) {
            return SQLITE.size();
        }
        return apply(handle, dialect, clock, SQLITE.size());
    }

    /** Brings the schema to version {@code upTo} (tests build older ledgers with it); returns that version. */
    static int apply(Handle handle, Dialect dialect, Clock clock, int upTo) {
        handle.useTransaction(tx -> {
            dialect.lockForMigration(tx);
            tx.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                    + "applied_at BIGINT NOT NULL)");
        });
        for (int version = 1; version <= upTo; version++) {
            int v = version;
            handle.useTransaction(tx -> {
                dialect.lockForMigration(tx);
                boolean applied = tx.createQuery("SELECT COUNT(*) FROM schema_migrations WHERE version = :v")
                        .bind("v", v).mapTo(Integer.class).one() > 0;
                if (!applied) {
                    for (String statement : statements(read(dialect.scripts() + SQLITE.get(v - 1)))) {
                        tx.execute(statement);
                    }
                    tx.createUpdate("INSERT INTO schema_migrations (version, applied_at) VALUES (:v, :at)")
                            .bind("v", v).bind("at", clock.millis()).execute();
                }
            });
        }
        return upTo;
    }

    /** Whether every version is applied, found with reads only (in auto-commit: no transaction is begun). */
    private static boolean upToDate(Handle handle, Dialect dialect) {
        return dialect.hasTable(handle, "schema_migrations")
                && handle.createQuery("SELECT COUNT(*) FROM schema_migrations WHERE version BETWEEN 1 AND :n")
                .bind("n", SQLITE.size()).mapTo(Integer.class).one() == SQLITE.size();
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing migration " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> statements(String script) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(withoutComments.toString().split(";"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
