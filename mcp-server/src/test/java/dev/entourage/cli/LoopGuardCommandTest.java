package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.app.Ledger;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Ref;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code entourage teams set --max-repeated-tool-calls N|off}: the loop guard of Claude Code's hooks. */
class LoopGuardCommandTest {
    @TempDir
    Path dir;

    private Integer stored() {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger.db").toString(), null, Clock.systemUTC())) {
            return ledger.services().settings().team(Actor.local(), Ref.name("default")).maxRepeatedToolCalls();
        }
    }

    @Test
    void setsShowsAndTurnsOffTheLoopGuard() {
        CliRunner cli = new CliRunner(dir.resolve("ledger.db"));

        CliRunner.Run set = cli.run("teams", "set", "default", "--max-repeated-tool-calls", "5");
        assertThat(set.code()).as(set.err()).isZero();
        assertThat(stored()).isEqualTo(5);
        assertThat(set.out()).contains("max repeated calls");
        assertThat(cli.run("teams", "set", "default", "--daily-limit", "3").code()).isZero();
        assertThat(stored()).as("other changes keep it").isEqualTo(5);

        assertThat(cli.run("teams", "set", "default", "--max-repeated-tool-calls", "off").code()).isZero();
        assertThat(stored()).isNull();
        assertThat(cli.run("teams", "list").out()).contains("off");
    }

    @Test
    void refusesWhatIsNotACountNamingTheOption() {
        CliRunner cli = new CliRunner(dir.resolve("ledger.db"));
        for (String bad : new String[] {"1", "0", "-3", "2.5", "lots", "1001"}) {
            CliRunner.Run run = cli.run("teams", "set", "default", "--max-repeated-tool-calls", bad);
            assertThat(run.code()).as(bad).isEqualTo(2);
            assertThat(run.err()).as(bad).contains("--max-repeated-tool-calls").contains("2 to 1000");
        }
        assertThat(stored()).isNull();
    }
}
