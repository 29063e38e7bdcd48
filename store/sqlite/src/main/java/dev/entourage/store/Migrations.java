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
 * together on one file apply each version exactly once. A database at the newest version already is only read,
 * so a process can open it while another holds the write lock.
 */
final class Migrations {
    /**
     * The migration scripts of a dialect, in version order: {@code db/<dialect>/V<n>__<name>.sql}. A script's version
     * is the {@code n} of its name (versions are assigned ahead, so the list may skip one while it is written).
     */
    private static final List<String> SQLITE = List.of("V1__ledger.sql", "V2__access.sql", "V3__holds.sql",
            "V4__alerts.sql", "V5__windows_and_session_caps.sql",
            "V6__event_ids_per_agent.sql", "V7__team_agent_defaults.sql", "V8__capture.sql", "V9__gateway.sql",
            "V10__spend_rollups.sql", "V11__usage_wire_fields.sql", "V12__unpriced_models.sql");

    private Migrations() {
    }

    /** The newest version. */
    static int count() {
        return version(SQLITE.get(SQLITE.size() - 1));
    }

    /** How many scripts there are (one row each in {@code schema_migrations}). */
    static int scripts() {
        return SQLITE.size();
    }

    private static int version(String script) {
        return Integer.parseInt(script.substring(1, script.indexOf("__")));
    }

    /** Brings the schema to the newest version (writing nothing when it is there already); returns that version. */
    static int apply(Handle handle, Clock clock) {
        if (upToDate(handle)) {
            return count();
        }
        return apply(handle, clock, count());
    }

    /** Brings the schema to version {@code upTo} (tests build older ledgers with it); returns that version. */
    static int apply(Handle handle, Clock clock, int upTo) {
        handle.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                + "applied_at BIGINT NOT NULL)");
        for (String script : SQLITE) {
            int v = version(script);
            if (v > upTo) {
                break;
            }
            handle.useTransaction(tx -> {
                boolean applied = tx.createQuery("SELECT COUNT(*) FROM schema_migrations WHERE version = :v")
                        .bind("v", v).mapTo(Integer.class).one() > 0;
                if (!applied) {
                    for (String statement : statements(read("db/sqlite/" + script))) {
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
    private static boolean upToDate(Handle handle) {
        boolean tracked = handle.createQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
                + "AND name = 'schema_migrations'").mapTo(Integer.class).one() > 0;
        return tracked && handle.createQuery("SELECT COUNT(*) FROM schema_migrations WHERE version BETWEEN 1 AND :n")
                .bind("n", count()).mapTo(Integer.class).one() == SQLITE.size();
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
