package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the ledger is and who may create it: a mistyped {@code --db} or {@code ENTOURAGE_DB} never opens an empty,
 * unlimited ledger, the default path follows {@code $HOME} and {@code ENTOURAGE_HOME}, and storage mistakes say
 * what is wrong.
 */
class LedgerLocationTest {
    @TempDir
    Path dir;

    private CliRunner.Run run(Map<String, String> env, String... args) {
        return CliRunner.execute(env, null, args);
    }

    private Map<String, String> home() {
        return Map.of("HOME", dir.resolve("home").toString());
    }

    @Test
    void everyCommandButInitRefusesAMissingDbNamingThePathAndTheCommandThatCreatesIt() {
        Path typo = dir.resolve("typo/ledgr.db");
        for (String[] command : new String[][] {{"costs"}, {"budget", "eng-1"}, {"agents", "set", "eng-1"},
                {"sessions", "eng-1"}, {"keys", "list"}, {"teams", "set", "default"}, {"backup",
                dir.resolve("copy.db").toString()}, {"doctor"}, {"kill", "1"}}) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(command),
                    java.util.stream.Stream.of("--db", typo.toString())).toArray(String[]::new);
            CliRunner.Run run = run(home(), args);
            assertThat(run.code()).as(String.join(" ", command)).isEqualTo(1);
            assertThat(run.err()).as(String.join(" ", command)).contains("no ledger at " + typo)
                    .contains("entourage init --db " + typo);
        }
        CliRunner.Run fromEnv = run(Map.of("HOME", dir.toString(), "ENTOURAGE_DB", typo.toString()), "costs");
        assertThat(fromEnv.code()).isEqualTo(1);
        assertThat(fromEnv.err()).contains("no ledger at " + typo + " (from ENTOURAGE_DB)");
        assertThat(fromEnv.out()).doesNotContain("$0.00");
        assertThat(typo).doesNotExist();
        assertThat(typo.getParent()).doesNotExist();
    }

    @Test
    void serveAndMcpCreateANamedLedgerOnlyWithCreate() {
        Path missing = dir.resolve("missing.db");
        CliRunner.Run serve = run(home(), "serve", "--port", "0", "--db", missing.toString());
        CliRunner.Run mcp = run(home(), "mcp", "--agent", "eng-1", "--db", missing.toString());

        assertThat(serve.code()).isEqualTo(1);
        assertThat(serve.err()).contains("no ledger at " + missing).contains("--create");
        assertThat(mcp.code()).isEqualTo(1);
        assertThat(mcp.err()).contains("no ledger at " + missing).contains("--create");
        assertThat(missing).doesNotExist();
    }

    @Test
    void initCreatesTheLedgerAndThenCommandsWork() {
        Path db = dir.resolve("ledger.db");
        assertThat(run(home(), "init", "--db", db.toString()).code()).isZero();
        CliRunner.Run costs = run(home(), "costs", "--db", db.toString());
        assertThat(costs.code()).as(costs.err()).isZero();
    }

    @Test
    void theDefaultPathFollowsHomeAndEntourageHome() {
        Path home = dir.resolve("home");
        CliRunner.Run init = run(Map.of("HOME", home.toString()), "init", "--json");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.json().path("database").asText()).isEqualTo(home.resolve(".entourage/entourage.db").toString());
        assertThat(home.resolve(".entourage/admin.key")).exists();

        Path elsewhere = dir.resolve("elsewhere");
        CliRunner.Run there = run(Map.of("HOME", home.toString(), "ENTOURAGE_HOME", elsewhere.toString()), "init",
                "--json");
        assertThat(there.code()).as(there.err()).isZero();
        assertThat(there.json().path("database").asText()).isEqualTo(elsewhere.resolve("entourage.db").toString());
        assertThat(elsewhere.resolve("admin.key")).exists();

        CliRunner.Run tilde = run(Map.of("HOME", home.toString()), "init", "--json", "--db", "~/other.db");
        assertThat(tilde.json().path("database").asText()).isEqualTo(home.resolve("other.db").toString());
    }

    @Test
    void theDefaultPathIsRefusedToReadCommandsUntilItExists() {
        CliRunner.Run costs = run(home(), "costs");
        assertThat(costs.code()).isEqualTo(1);
        assertThat(costs.err()).contains("no ledger at " + dir.resolve("home/.entourage/entourage.db"))
                .contains("`entourage init`");
    }

    @Test
    void permanentStorageMistakesSayWhatIsWrongAndExitOneWithoutRetryShortly() throws Exception {
        Path directory = Files.createDirectories(dir.resolve("a-directory"));
        CliRunner.Run dirAsDb = run(home(), "init", "--db", directory.toString());
        CliRunner.Run emptyEnv = run(Map.of("HOME", dir.toString(), "ENTOURAGE_DB", ""), "init");
        CliRunner.Run emptyHome = run(Map.of("HOME", dir.toString(), "ENTOURAGE_HOME", " "), "costs");

        assertThat(dirAsDb.code()).isEqualTo(1);
        assertThat(dirAsDb.err()).contains(directory + " (from --db) is a directory")
                .contains(directory.resolve("entourage.db").toString());
        assertThat(emptyEnv.code()).isEqualTo(1);
        assertThat(emptyEnv.err()).contains("ENTOURAGE_DB is set but empty");
        assertThat(emptyHome.code()).isEqualTo(1);
        assertThat(emptyHome.err()).contains("ENTOURAGE_HOME is set but empty");
        assertThat(dirAsDb.err() + emptyEnv.err() + emptyHome.err()).doesNotContainIgnoringCase("retry");
    }
}
