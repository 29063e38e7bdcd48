package dev.entourage.cli.install;

import dev.entourage.cli.StoreOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code entourage uninstall codex}: takes Entourage's {@code [otel]} section out of Codex's config. */
@Command(name = "codex", mixinStandardHelpOptions = true,
        description = "Take the [otel] section `entourage install codex` wrote out of $CODEX_HOME/config.toml "
                + "(default ~/.codex/config.toml); every other line stays as it is.")
final class CodexUninstall implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    DryRun dry;

    @Override
    public Integer call() {
        Path file = CodexInstall.config(store);
        ConfigFile config = ConfigFile.read(file, file.toString());
        if (!config.exists()) {
            System.out.println(file + ": not there, nothing to change.");
            return 0;
        }
        config.apply(CodexConfig.uninstall(config.before()), dry.dryRun, System.out);
        dry.done();
        return 0;
    }
}
