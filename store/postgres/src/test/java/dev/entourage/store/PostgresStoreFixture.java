package dev.entourage.store;

import dev.entourage.ledger.spi.ManagedStore;
import dev.entourage.ledger.testing.StoreFixture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * The store fixture for PostgreSQL: one embedded server (a real PostgreSQL, from Maven Central's binaries) for the
 * whole test JVM (without fsync: the rules are under test here, not durability), and a schema of its own for each
 * test's directory, dropped after the test.
 */
public final class PostgresStoreFixture extends StoreFixture {
    private static EmbeddedPostgres server;

    /** The JVM's server, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off").setServerConfig("full_page_writes", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return server;
    }

    /** The schema that belongs to {@code dir}. */
    public static String schema(Path dir) {
        return "t_" + dir.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    }

    /** A {@code --db} value for {@code dir}'s schema, as a user would write it. */
    public static String url(Path dir) {
        return "jdbc:postgresql://localhost:" + server().getPort() + "/postgres?user=postgres&currentSchema="
                + schema(dir);
    }

    /** Creates {@code dir}'s schema unless it is there. */
    public static void createSchema(Path dir) {
        admin("CREATE SCHEMA IF NOT EXISTS " + schema(dir));
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + server().getPort()
                + "/postgres?user=postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql, e);
        }
    }

    @Override
    public ManagedStore open(Path dir, Clock clock) {
        createSchema(dir);
        return PostgresLedgerStore.open(PostgresTarget.parse(url(dir), Map.of()), clock);
    }

    @Override
    public Connection connect(Path dir) throws SQLException {
        return DriverManager.getConnection(url(dir));
    }

    @Override
    public void dispose(Path dir) {
        admin("DROP SCHEMA IF EXISTS " + schema(dir) + " CASCADE");
    }
}
