package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.app.Ledger;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.access.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code entourage keys} and the admin key of {@code entourage init}. */
class KeysCommandTest {
    private static final String KEY = "oc_[0-9A-Za-z]{39}";

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("ledger.db");
    }

    private CliRunner.Run run(String... args) {
        return new CliRunner(db()).run(args);
    }

    private Optional<Principal> authenticate(String key) {
        try (Ledger ledger = Ledger.open(db().toString(), null, Clock.systemUTC())) {
            return ledger.access().authenticate(key);
        }
    }

    @Test
    void keysAreCreatedOnceListedByPrefixAndRevoked() {
        CliRunner.Run admin = run("keys", "create", "--role", "admin", "--name", "ci", "--json");
        CliRunner.Run agent = run("keys", "create", "--role", "agent", "--agent", "eng-1", "--name", "laptop");

        assertThat(admin.code()).isZero();
        JsonNode created = admin.json();
        String adminKey = created.path("key").asText();
        assertThat(adminKey).matches(KEY);
        assertThat(created.path("prefix").asText()).isEqualTo(adminKey.substring(0, 9));
        assertThat(created.path("role").asText()).isEqualTo("admin");
        assertThat(created.path("team_id").asLong()).isEqualTo(1);
        assertThat(created.path("agent_id").isNull()).isTrue();
        assertThat(created.path("name").asText()).isEqualTo("ci");
        assertThat(created.path("created_at").asText()).endsWith("Z");
        assertThat(created.has("id")).isTrue();

        assertThat(agent.code()).isZero();
        assertThat(agent.out()).contains("shown only this once").contains("agent 'eng-1'");
        String agentKey = agent.lines().get(agent.lines().size() - 1);
        assertThat(agentKey).matches(KEY);
        assertThat(authenticate(agentKey).orElseThrow().role()).isEqualTo(Role.AGENT);

        CliRunner.Run table = run("keys", "list");
        CliRunner.Run json = run("keys", "list", "--format", "json");
        assertThat(table.out()).contains(adminKey.substring(0, 9)).contains(agentKey.substring(0, 9))
                .contains("eng-1").contains("laptop").contains("active")
                .doesNotContain(adminKey).doesNotContain(agentKey.substring(9));
        assertThat(json.json().path("keys")).hasSize(2);
        assertThat(json.json().path("keys").get(0).path("agent").asText()).isEqualTo("eng-1");
        assertThat(json.json().path("keys").get(0).has("key")).isFalse();
        assertThat(json.out()).doesNotContain(adminKey.substring(9)).doesNotContain(agentKey.substring(9));

        long adminId = created.path("id").asLong();
        CliRunner.Run revoke = run("keys", "revoke", Long.toString(adminId));
        assertThat(revoke.code()).isZero();
        assertThat(revoke.out()).contains("Revoked key " + adminId);
        assertThat(authenticate(adminKey)).isEmpty();
        assertThat(authenticate(agentKey)).isPresent();
        assertThat(run("keys", "list").out()).contains("revoked");
        assertThat(run("keys", "revoke", Long.toString(adminId)).code()).as("revoking twice is fine").isZero();
    }

    @Test
    void badKeyRequestsExitWithTwoAndUnknownThingsWithOne() {
        CliRunner.Run adminWithAgent = run("keys", "create", "--role", "admin", "--agent", "eng-1");
        CliRunner.Run agentWithout = run("keys", "create", "--role", "agent");
        CliRunner.Run badRole = run("keys", "create", "--role", "root");
        CliRunner.Run noTeam = run("keys", "create", "--role", "admin", "--team", "nope");
        CliRunner.Run noKey = run("keys", "revoke", "42");

        assertThat(adminWithAgent.code()).isEqualTo(2);
        assertThat(adminWithAgent.err()).contains("agent");
        assertThat(agentWithout.code()).isEqualTo(2);
        assertThat(badRole.code()).isEqualTo(2);
        assertThat(badRole.err()).contains("--role");
        assertThat(noTeam.code()).isEqualTo(1);
        assertThat(noKey.code()).isEqualTo(1);
        assertThat(noKey.err()).contains("key 42 does not exist");
        assertThat(run("keys", "list").out()).contains("No keys");
    }

    @Test
    void initPrintsTheFirstAdminKeyOnceAndSavesItOwnerOnlyBesideTheDatabase() throws Exception {
        CliRunner.Run first = run("init");
        CliRunner.Run second = run("init");

        assertThat(first.code()).isZero();
        String key = first.lines().get(first.lines().size() - 1);
        assertThat(key).matches(KEY);
        assertThat(first.out()).contains("shown only this once").contains("admin.key");
        Path file = dir.resolve("admin.key");
        assertThat(Files.readString(file).strip()).isEqualTo(key);
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        assertThat(authenticate(key).orElseThrow().isAdmin()).isTrue();

        assertThat(second.code()).isZero();
        assertThat(second.out()).contains("already exists; nothing changed").doesNotContain(key)
                .doesNotContainPattern(KEY);
        assertThat(Files.readString(file).strip()).isEqualTo(key);
    }

    @Test
    void initAsJsonGivesTheKeyThatItSaved() throws Exception {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "POSIX permissions");
        JsonNode first = run("init", "--json").json();

        String key = first.path("admin_key").asText();
        assertThat(key).matches(KEY);
        assertThat(Path.of(first.path("admin_key_file").asText())).isEqualTo(dir.resolve("admin.key").toAbsolutePath());
        assertThat(Files.readString(dir.resolve("admin.key")).strip()).isEqualTo(key);
        JsonNode again = run("init", "--json").json();
        assertThat(again.path("admin_key").isNull()).isTrue();
        assertThat(again.path("admin_key_file").isNull()).isTrue();
    }

    @Test
    void initAfterEveryAdminKeyWasRevokedMakesANewOne() throws Exception {
        JsonNode first = run("init", "--json").json();
        long id = run("keys", "list", "--format", "json").json().path("keys").get(0).path("id").asLong();
        run("keys", "revoke", Long.toString(id));

        CliRunner.Run again = run("init");

        String key = again.lines().get(again.lines().size() - 1);
        assertThat(key).matches(KEY).isNotEqualTo(first.path("admin_key").asText());
        assertThat(again.out()).contains("had no working admin key");
        assertThat(Files.readString(dir.resolve("admin.key")).strip()).isEqualTo(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("admin.key"))))
                .isEqualTo("rw-------");
    }
}
