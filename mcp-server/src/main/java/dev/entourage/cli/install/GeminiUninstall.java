package dev.entourage.cli.install;

import dev.entourage.cli.StoreOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code entourage uninstall gemini}: takes Entourage's telemetry settings out of Gemini CLI's settings. */
@Command(name = "gemini", mixinStandardHelpOptions = true,
        description = "Take the telemetry settings `entourage install gemini` wrote out of ~/.gemini/settings.json "
                + "(--scope project: .gemini/settings.json); every other setting stays as it is.")
final class GeminiUninstall implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    UninstallOptions where;

    @Override
    public Integer call() {
        Path file = where.dir(store, ".gemini").resolve("settings.json");
        ConfigFile.editJson(file, GeminiSettings::uninstall, where.dryRun, System.out);
        where.done();
        return 0;
    }
}
