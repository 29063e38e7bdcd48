package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.app.Ledger;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReport;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code entourage migrate}: a SQLite ledger with real history copied into an embedded PostgreSQL, then read and
 * written through the normal command line on {@code --db postgresql://…}.
 */
class MigrateCommandTest {
    private static EmbeddedPostgres server;
    private static int databases;

    @TempDir
    Path dir;

    private Path sqlite;
    private String target;
    private String agentKey;

    @BeforeAll
    static void start() throws IOException {
        server = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    @BeforeEach
    void ledgerWithHistory() throws SQLException {
        String name = "migrate_" + ++databases;
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        target = "postgresql://postgres@localhost:" + server.getPort() + "/" + name;
        sqlite = dir.resolve("ledger.db");
        CliRunner cli = new CliRunner(sqlite);
        assertThat(cli.run("teams", "set", "default", "--daily-limit", "10").code()).isZero();
        assertThat(cli.run("teams", "set", "research", "--daily-limit", "3").code()).isZero();
        assertThat(cli.run("agents", "set", "eng-1", "--daily-limit", "8").code()).isZero();
        assertThat(cli.run("agents", "set", "scout", "--team", "research").code()).isZero();
        CliRunner.Run key = cli.run("keys", "create", "--role", "agent", "--agent", "eng-1", "--json");
        assertThat(key.code()).as(key.err()).isZero();
        agentKey = key.json().get("key").asText();
        try (Ledger ledger = Ledger.open(sqlite.toString(), null, Clock.systemUTC())) {
            var service = ledger.services();
            Actor local = Actor.local();
            long task = service.settings().createTask(local, Ref.parse("default"),
                    new NewTask("Fix login", null, null, List.of(), 5_000_000L)).id();
            long one = service.sessions().start(local, Ref.name("eng-1"), task, "claude-sonnet-4").session().id();
            long two = service.sessions().start(local, Ref.name("scout"), null, "claude-opus-4").session().id();
            service.usage().report(local, new UsageReport(one, new TokenCounts(1000, 200, 0, 0, 0), 1_250_000L, null,
                    "e-1"));
            service.usage().report(local, new UsageReport(one, new TokenCounts(90_000, 4_000, 0, 0, 0), null, null,
                    "e-2"));
            service.usage().report(local, new UsageReport(two, new TokenCounts(10, 2, 0, 0, 0), 2_700_000L, null,
                    "e-3"));
            service.budgets().reserve(local, Ref.name("eng-1"), null, one, 500_000L);
            service.metered().begin(local, new CaptureOrigin(CaptureSource.CLAUDE_CODE, "cc-77", Ref.name("eng-1"),
                    null), "claude-sonnet-4-20250514", 300_000L, 2_000);
        }
    }

    private Map<String, String> env() {
        return Map.of("HOME", dir.resolve("home").toString());
    }

    private CliRunner.Run on(String db, String... args) {
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
                "--db", db)).toArray(String[]::new);
        return CliRunner.execute(env(), null, all);
    }

    private CliRunner.Run migrate(String from, String to, String... more) {
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("migrate", "--from", from, "--to",
                to), java.util.Arrays.stream(more)).toArray(String[]::new);
        return CliRunner.execute(env(), null, all);
    }

    @Test
    void theCopyAnswersAsTheSqliteLedgerDidAndTakesNewWritesAfterwards() throws IOException {
        byte[] source = Files.readAllBytes(sqlite);
        CliRunner.Run run = migrate("sqlite:" + sqlite, target, "--json");
        assertThat(Files.readAllBytes(sqlite)).as("the source is only read").isEqualTo(source);
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode summary = run.json();
        assertThat(summary.get("mismatches")).isEmpty();
        assertThat(summary.get("teams").asLong()).isEqualTo(2);
        assertThat(summary.get("to").asText()).isEqualTo("postgresql://localhost:" + server.getPort() + "/"
                + target.substring(target.lastIndexOf('/') + 1));
        assertThat(summary.get("tables").fieldNames()).toIterable().contains("teams", "agents", "api_keys",
                "tasks", "sessions", "budget_holds", "usage_events", "spend_rollups", "hour_rollups", "alerts",
                "metered_calls")
                .doesNotContain("schema_migrations");
        assertThat(summary.get("tables").get("usage_events").asLong()).isEqualTo(3);
        assertThat(summary.get("tables").get("metered_calls").asLong()).isEqualTo(1);
        assertThat(summary.get("tables").get("alerts").asLong()).isPositive();

        for (String[] query : List.of(new String[] {"costs", "--format", "json"},
                new String[] {"costs", "--team", "research", "--by", "model", "--format", "json"},
                new String[] {"costs", "--by", "task", "--format", "csv"},
                new String[] {"sessions", "--all", "--format", "json"},
                new String[] {"sessions", "scout", "--team", "research", "--format", "json"},
                new String[] {"budget", "eng-1", "--format", "json"},
                new String[] {"tasks", "list", "--format", "json"},
                new String[] {"teams", "list", "--format", "json"},
                new String[] {"keys", "list", "--format", "json"})) {
            CliRunner.Run before = on(sqlite.toString(), query);
            CliRunner.Run after = on(target, query);
            assertThat(before.code()).as(String.join(" ", query) + before.err()).isZero();
            assertThat(after.out()).as(String.join(" ", query)).isEqualTo(before.out());
        }
        Optional<Principal> onSqlite;
        try (Ledger ledger = Ledger.open(sqlite.toString(), null, Clock.systemUTC())) {
            onSqlite = ledger.access().authenticate(agentKey);
        }
        try (Ledger ledger = Ledger.open(target, null, Clock.systemUTC())) {
            assertThat(onSqlite).isPresent();
            assertThat(ledger.access().authenticate(agentKey)).isEqualTo(onSqlite);
            var service = ledger.services();
            long fresh = service.sessions().start(Actor.local(), Ref.name("eng-1"), null, "claude-sonnet-4")
                    .session().id();
            assertThat(fresh).as("sequences continue after the copied ids").isEqualTo(4L);
            service.usage().report(Actor.local(), new UsageReport(fresh, new TokenCounts(5, 5, 0, 0, 0), 100_000L,
                    null, "e-4"));
        }
        assertThat(on(target, "teams", "set", "ops").code()).isZero();
        CliRunner.Run key = on(target, "keys", "create", "--role", "viewer", "--json");
        assertThat(key.code()).as(key.err()).isZero();
        CliRunner.Run costs = on(target, "costs", "--format", "json");
        CliRunner.Run old = on(sqlite.toString(), "costs", "--format", "json");
        assertThat(costs.json().get("total_cost_usd").decimalValue())
                .isEqualByComparingTo(old.json().get("total_cost_usd").decimalValue().add(new java.math.BigDecimal(
                        "0.1")));
    }

    @Test
    void aBarePathAndAJdbcUrlWorkAndThePasswordIsNeverPrinted() {
        String secret = "pw-Qx7";
        String jdbc = "jdbc:postgresql://localhost:" + server.getPort() + target.substring(target.lastIndexOf('/'))
                + "?user=postgres&password=" + secret;
        CliRunner.Run run = migrate(sqlite.toString(), jdbc);
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Migrated " + sqlite + " to postgresql://localhost:")
                .contains("2 teams").contains("verified").doesNotContain(secret);
        assertThat(run.err()).doesNotContain(secret);
    }

    @Test
    void aTargetHoldingDataIsRefusedWithNothingWritten() throws SQLException {
        assertThat(on(target, "init").code()).isZero();
        assertThat(on(target, "teams", "set", "default", "--daily-limit", "1").code()).isZero();
        String before = on(target, "teams", "list", "--format", "json").out();

        CliRunner.Run run = migrate("sqlite:" + sqlite, target);
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("already holds a ledger").contains("nothing was written")
                .contains("empty database");
        assertThat(on(target, "teams", "list", "--format", "json").out()).isEqualTo(before);
        try (Connection c = server.getDatabase("postgres", target.substring(target.lastIndexOf('/') + 1))
                .getConnection(); Statement s = c.createStatement();
             var rows = s.executeQuery("SELECT (SELECT COUNT(*) FROM usage_events) + (SELECT COUNT(*) FROM "
                     + "sessions) + (SELECT COUNT(*) FROM agents)")) {
            rows.next();
            assertThat(rows.getLong(1)).isZero();
        }
    }

    @Test
    void aSourceBehindTheNewestSchemaIsRefusedSayingHowToBringItUp() throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + sqlite);
             Statement s = c.createStatement()) {
            s.execute("DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)");
        }
        CliRunner.Run run = migrate("sqlite:" + sqlite, target);
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("older than this entourage's").contains("entourage doctor --db " + sqlite)
                .contains("nothing was written");
        assertThat(on(target, "costs").err()).as("nothing was made in the target").contains("there is no ledger");
    }

    @Test
    void aMissingSourceOrABadTargetIsAClearError() throws IOException {
        CliRunner.Run missing = migrate("sqlite:" + dir.resolve("nowhere.db"), target);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("there is no SQLite ledger at " + dir.resolve("nowhere.db"));

        Path notLedger = dir.resolve("notes.db");
        Files.writeString(notLedger, "");
        CliRunner.Run empty = migrate(notLedger.toString(), target);
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("is not an Entourage ledger");

        CliRunner.Run badTarget = migrate(sqlite.toString(), "mysql://localhost/x");
        assertThat(badTarget.code()).isEqualTo(2);
        assertThat(badTarget.err()).contains("to").contains("not a PostgreSQL URL");
        assertThat(on(target, "costs").err()).as("nothing was made in the target").contains("there is no ledger");
    }
}
