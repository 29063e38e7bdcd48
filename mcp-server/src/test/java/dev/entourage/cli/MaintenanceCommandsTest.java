package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code entourage doctor} and {@code entourage backup}: output, exit codes, and what they refuse. */
class MaintenanceCommandsTest {
    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("ledger.db");
    }

    private CliRunner cli() {
        return new CliRunner(db());
    }

    private static void execute(Path path, String... sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath());
             Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }

    private static long queryLong(Path path, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    @Test
    void bothHaveHelp() {
        CliRunner.Run doctor = cli().run("doctor", "--help");
        assertThat(doctor.code()).isZero();
        assertThat(doctor.out()).contains("Usage: entourage doctor").contains("integrity");
        CliRunner.Run backup = cli().run("backup", "--help");
        assertThat(backup.code()).isZero();
        assertThat(backup.out()).contains("Usage: entourage backup").contains("FILE");
        assertThat(cli().run("backup").code()).as("FILE is required").isEqualTo(2);
    }

    @Test
    void doctorSaysOkWithFactsForAHealthyLedger() {
        assertThat(cli().run("init").code()).isZero();

        CliRunner.Run text = cli().run("doctor");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.lines().get(0)).isEqualTo("ok");
        assertThat(text.out()).contains(db().toAbsolutePath().toString()).contains("schema version:")
                .contains("journal mode:   wal").contains("sessions:").contains("usage events:   0");

        CliRunner.Run json = cli().run("doctor", "--json");
        assertThat(json.code()).isZero();
        JsonNode node = json.json();
        assertThat(node.path("ok").asBoolean()).isTrue();
        assertThat(node.path("problems").size()).isZero();
        assertThat(node.path("database").asText()).isEqualTo(db().toAbsolutePath().toString());
        assertThat(node.path("size_bytes").asLong()).isPositive();
        assertThat(node.path("schema_version").asInt()).isPositive();
        assertThat(node.path("journal_mode").asText()).isEqualToIgnoringCase("wal");
        assertThat(node.path("sessions").asLong()).isZero();
        assertThat(node.path("usage_events").asLong()).isZero();
    }

    @Test
    void doctorOnAMissingLedgerCreatesNothing() {
        CliRunner.Run run = CliRunner.withoutLedger(db()).run("doctor");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("no ledger").contains("entourage init");
        assertThat(db()).doesNotExist();
    }

    @Test
    void doctorListsProblemsTheQuickCheckMissesAndExitsWithOne() throws Exception {
        assertThat(cli().run("init").code()).isZero();
        // An index that disagrees with its table: opening (quick_check) passes, the full check does not.
        execute(db(), "CREATE TABLE doctor_probe (a INTEGER)", "CREATE INDEX doctor_probe_a ON doctor_probe (a)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) "
                        + "INSERT INTO doctor_probe SELECT i FROM n");
        execute(db(), "PRAGMA writable_schema = ON",
                "UPDATE sqlite_master SET sql = 'CREATE INDEX doctor_probe_a ON doctor_probe (a DESC)' "
                        + "WHERE name = 'doctor_probe_a'");

        CliRunner.Run text = cli().run("doctor");
        assertThat(text.code()).isEqualTo(1);
        assertThat(text.out()).startsWith("PROBLEMS").contains("doctor_probe_a").contains("restore a backup");

        CliRunner.Run json = cli().run("doctor", "--json");
        assertThat(json.code()).isEqualTo(1);
        assertThat(json.json().path("ok").asBoolean()).isFalse();
        assertThat(json.json().path("problems").size()).isPositive();
    }

    @Test
    void doctorOnADamagedFileRefusesAndSaysHowToRecover() throws Exception {
        assertThat(cli().run("init").code()).isZero();
        byte[] bytes = Files.readAllBytes(db());
        Random random = new Random(5);
        for (int i = 4096; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt();
        }
        Files.write(db(), bytes);
        Files.deleteIfExists(Path.of(db() + "-wal"));
        Files.deleteIfExists(Path.of(db() + "-shm"));

        CliRunner.Run run = cli().run("doctor");
        assertThat(run.code()).isEqualTo(1);
        String message = run.err().lines().filter(line -> line.startsWith("entourage: ")).findFirst().orElseThrow();
        assertThat(message).contains("damaged").contains("backup").contains("move it aside")
                .doesNotContain("SQLITE");
        assertThat(Files.readAllBytes(db())).as("nothing written").isEqualTo(bytes);
    }

    @Test
    void backupWritesAConsistentCopyThatOpensAsALedgerAndNeverOverwrites() throws Exception {
        assertThat(cli().run("init").code()).isZero();
        Path target = dir.resolve("backups/2026/ledger-copy.db");

        CliRunner.Run run = cli().run("backup", target.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("Backed up").contains(target.toAbsolutePath().toString()).contains("bytes");
        assertThat(target).exists();
        long size = Files.size(target);
        assertThat(run.out()).contains("(" + size + " bytes)");
        assertThat(queryLong(target, "SELECT COUNT(*) FROM teams WHERE name = 'default'")).isEqualTo(1);

        CliRunner.Run again = cli().run("backup", target.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("FILE").contains("exists already");
        assertThat(Files.size(target)).isEqualTo(size);

        CliRunner.Run onCopy = new CliRunner(target).run("doctor", "--json");
        assertThat(onCopy.code()).as(onCopy.err()).isZero();
        assertThat(onCopy.json().path("ok").asBoolean()).isTrue();

        CliRunner.Run json = cli().run("backup", dir.resolve("second.db").toString(), "--json");
        assertThat(json.code()).isZero();
        assertThat(json.json().path("backup").asText()).isEqualTo(dir.resolve("second.db").toString());
        assertThat(json.json().path("size_bytes").asLong()).isEqualTo(Files.size(dir.resolve("second.db")));
    }
}
