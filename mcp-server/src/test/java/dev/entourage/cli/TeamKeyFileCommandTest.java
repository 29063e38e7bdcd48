package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.app.Ledger;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.UpstreamProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code entourage teams set --anthropic-key-file PATH|none} and {@code --openai-key-file}: paths, never keys. */
class TeamKeyFileCommandTest {
    private static final String SECRET = "sk-ant-team-secret-0123456789";

    @TempDir
    Path dir;

    private Optional<String> stored(UpstreamProvider provider) {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger.db").toString(), null, Clock.systemUTC())) {
            return ledger.services().upstreamKeys().path(Actor.local(), Ref.name("default"), provider);
        }
    }

    @Test
    void storesThePathsShowsThemAndRemovesThemButNeverTheKey() throws Exception {
        Path anthropic = Files.writeString(dir.resolve("anthropic.key"), SECRET + "\n");
        Path openai = Files.writeString(dir.resolve("openai.key"), "sk-openai-secret\n");
        CliRunner cli = new CliRunner(dir.resolve("ledger.db"));

        CliRunner.Run set = cli.run("teams", "set", "default", "--anthropic-key-file", anthropic.toString(),
                "--openai-key-file", openai.toString());

        assertThat(set.code()).as(set.err()).isZero();
        assertThat(stored(UpstreamProvider.ANTHROPIC)).contains(anthropic.toAbsolutePath().toString());
        assertThat(stored(UpstreamProvider.OPENAI)).contains(openai.toAbsolutePath().toString());
        assertThat(set.out()).contains("anthropic key file: " + anthropic.toAbsolutePath())
                .doesNotContain(SECRET);
        byte[] db = Files.readAllBytes(dir.resolve("ledger.db"));
        assertThat(new String(db, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);

        assertThat(cli.run("teams", "set", "default", "--anthropic-key-file", "none").code()).isZero();
        assertThat(stored(UpstreamProvider.ANTHROPIC)).isEmpty();
        assertThat(stored(UpstreamProvider.OPENAI)).as("the other provider's file stays").isPresent();
    }

    @Test
    void refusesAFileThatDoesNotExistNamingTheOptionAndStoresNothing() {
        CliRunner cli = new CliRunner(dir.resolve("ledger.db"));

        CliRunner.Run run = cli.run("teams", "set", "default", "--daily-limit", "7", "--anthropic-key-file",
                dir.resolve("missing.key").toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--anthropic-key-file").contains("readable file");
        assertThat(stored(UpstreamProvider.ANTHROPIC)).isEmpty();
        try (Ledger ledger = Ledger.open(dir.resolve("ledger.db").toString(), null, Clock.systemUTC())) {
            assertThat(ledger.services().settings().team(Actor.local(), Ref.name("default")).dailyLimitMicros())
                    .as("nothing of the command is written").isNull();
        }
    }
}
