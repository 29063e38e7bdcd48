package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.app.Ledger;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.access.Role;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code entourage users add}. */
class UsersCommandTest {
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(dir.resolve("ledger.db"));
    }

    private Optional<Principal> login(String email, String password) {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger.db").toString(), null, Clock.systemUTC())) {
            return ledger.access().login(email, password.toCharArray());
        }
    }

    @Test
    void addsAPersonWithThePasswordFromStdinWhoCanThenLogIn() {
        CliRunner.Run added = cli().runWithInput(PASSWORD + "\n", "users", "add", "Alice@Example.com", "--role",
                "admin", "--password-stdin");
        CliRunner.Run viewer = cli().runWithInput(PASSWORD + "\r\nignored\n", "users", "add", "bob@example.com",
                "--role", "viewer", "--password-stdin", "--json");

        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("alice@example.com").doesNotContain(PASSWORD);
        assertThat(login("alice@example.com", PASSWORD).orElseThrow().role()).isEqualTo(Role.ADMIN);
        assertThat(login("alice@example.com", PASSWORD + "!")).isEmpty();

        assertThat(viewer.code()).as(viewer.err()).isZero();
        JsonNode json = viewer.json();
        assertThat(json.path("email").asText()).isEqualTo("bob@example.com");
        assertThat(json.path("role").asText()).isEqualTo("viewer");
        assertThat(json.path("team_id").asLong()).isEqualTo(1);
        assertThat(json.has("password_hash")).isFalse();
        assertThat(login("bob@example.com", PASSWORD)).isPresent();
    }

    @Test
    void aWeakPasswordADuplicateAndAnAgentRoleAreRefused() {
        CliRunner.Run weak = cli().runWithInput("hunter2\n", "users", "add", "alice@example.com", "--role", "admin",
                "--password-stdin");
        cli().runWithInput(PASSWORD + "\n", "users", "add", "alice@example.com", "--role", "admin", "--password-stdin");
        CliRunner.Run duplicate = cli().runWithInput(PASSWORD + "\n", "users", "add", "ALICE@example.com", "--role",
                "viewer", "--password-stdin");
        CliRunner.Run agent = cli().runWithInput(PASSWORD + "\n", "users", "add", "eng@example.com", "--role",
                "agent", "--password-stdin");
        CliRunner.Run empty = cli().runWithInput("", "users", "add", "carol@example.com", "--role", "viewer",
                "--password-stdin");

        assertThat(weak.code()).isEqualTo(2);
        assertThat(weak.err()).contains("password").contains("12 characters").doesNotContain("hunter2");
        assertThat(duplicate.code()).isEqualTo(1);
        assertThat(duplicate.err()).contains("registered already");
        assertThat(agent.code()).isEqualTo(2);
        assertThat(agent.err()).contains("--role").contains("API keys");
        assertThat(empty.code()).isEqualTo(2);
    }

    @Test
    void withoutATerminalOrStdinThePasswordIsAUsageError() {
        assumeTrue(System.console() == null, "tests run without a terminal");

        CliRunner.Run run = cli().run("users", "add", "alice@example.com", "--role", "admin");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--password-stdin");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void helpShowsHowToPipeThePassword() {
        CliRunner.Run help = cli().run("users", "add", "--help");

        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("printf '%s\\n'").contains("--password-stdin");
        assertThat(help.err()).isEmpty();
    }
}
