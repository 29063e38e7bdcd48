package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line on a PostgreSQL ledger: {@code --db postgresql://…}, {@code jdbc:postgresql:…}, ENTOURAGE_DB. */
class PostgresCliTest {
    private static EmbeddedPostgres server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws IOException {
        server = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    private Map<String, String> env(String db) {
        return Map.of("HOME", dir.resolve("home").toString(), "ENTOURAGE_DB", db);
    }

    @Test
    void initThenEveryCommandWorksOnOneDatabaseNamedEitherWay() throws IOException {
        String jdbc = "jdbc:postgresql://localhost:" + server.getPort() + "/postgres?user=postgres";
        CliRunner.Run init = CliRunner.execute(env(jdbc), null, "init", "--json");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.json().get("created").asBoolean()).isTrue();
        assertThat(init.json().get("database").asText()).isEqualTo("postgresql://localhost:" + server.getPort()
                + "/postgres");
        Path keyFile = dir.resolve("home/.entourage/admin.key");
        assertThat(init.json().get("admin_key_file").asText()).isEqualTo(keyFile.toString());
        assertThat(Files.readString(keyFile).strip()).isEqualTo(init.json().get("admin_key").asText());

        String url = "postgresql://postgres@localhost:" + server.getPort() + "/postgres";
        CliRunner.Run teams = CliRunner.execute(Map.of("HOME", dir.resolve("home").toString()), null, "teams", "set",
                "default", "--daily-limit", "5", "--json", "--db", url);
        assertThat(teams.code()).as(teams.err()).isZero();
        CliRunner.Run again = CliRunner.execute(env(url), null, "init", "--json");
        assertThat(again.json().get("created").asBoolean()).as("the same ledger").isFalse();
        CliRunner.Run doctor = CliRunner.execute(env(url), null, "doctor", "--json");
        assertThat(doctor.code()).as(doctor.out() + doctor.err()).isZero();
        assertThat(doctor.out()).contains("postgresql");
    }

    @Test
    void aPasswordInTheDbUrlIsNeverShown() {
        String secret = "pw-Zq81x";
        for (String db : new String[] {"postgresql://postgres:" + secret + "@localhost:" + server.getPort()
                + "/postgres?currentSchema=nothing_here", "jdbc:postgresql://localhost:" + server.getPort()
                + "/postgres?user=postgres&password=" + secret + "&currentSchema=nothing_here"}) {
            CliRunner.Run costs = CliRunner.execute(env(db), null, "costs");
            assertThat(costs.code()).as(costs.err()).isEqualTo(1);
            assertThat(costs.err()).contains("there is no ledger at").doesNotContain(secret);
            assertThat(costs.out()).doesNotContain(secret);
        }
    }
}
