package dev.entourage.cli.install;

import dev.entourage.cli.StoreOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code entourage install codex}: the {@code [otel]} section of Codex's {@code config.toml}. */
@Command(name = "codex", mixinStandardHelpOptions = true,
        description = {"Send Codex CLI's OpenTelemetry log events (each response's token counts) to Entourage: "
                + "writes the [otel] section of $CODEX_HOME/config.toml (default ~/.codex/config.toml), keeping "
                + "every other line as it is, with a backup beside it; 0600, as it holds the key literally (Codex "
                + "does not expand variables there). Codex's metrics exporter is set to none.",
                "Codex cannot name the agent in its telemetry: use an agent key. Codex sends no dollars, so its "
                + "usage is priced by Entourage's table. Codex has no hooks Entourage uses: budgets show and alert, "
                + "but do not stop Codex."})
final class CodexInstall implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    DryRun dry;

    @Override
    public Integer call() {
        Connection target = connection.resolve(store);
        Path file = config(store);
        ConfigFile config = ConfigFile.read(file, file.toString());
        config.apply(CodexConfig.install(config.before(), file, target), dry.dryRun, System.out);
        if (dry.dryRun) {
            dry.done();
        } else {
            System.out.println("Codex reports to " + target.url() + "/v1/logs; with an admin key the bridge cannot "
                    + "tell which agent it is: use an agent key.");
        }
        return 0;
    }

    /** {@code $CODEX_HOME/config.toml}, else {@code ~/.codex/config.toml}. */
    static Path config(StoreOptions store) {
        String home = store.env().get("CODEX_HOME");
        Path dir = home == null || home.isBlank() ? Path.of(store.home(), ".codex")
                : ClaudeCodeFiles.expand(home, store.home());
        return dir.resolve("config.toml");
    }
}
