package dev.entourage.cli.install;

import dev.entourage.cli.StoreOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code entourage install gemini}: the {@code telemetry} block of Gemini CLI's settings. */
@Command(name = "gemini", mixinStandardHelpOptions = true,
        description = {"Send Gemini CLI's OpenTelemetry events (each response's token counts) to Entourage: writes "
                + "the telemetry block of ~/.gemini/settings.json (--scope project: .gemini/settings.json) with "
                + "enabled, target local, otlpEndpoint, otlpProtocol http and logPrompts false, keeping every other "
                + "setting, with a backup beside it.",
                "Gemini's settings cannot carry the key or the agent: export OTEL_EXPORTER_OTLP_HEADERS and "
                + "OTEL_RESOURCE_ATTRIBUTES in the shell that runs gemini (this command prints both lines). Gemini "
                + "sends no dollars, so its usage is priced by Entourage's table; budgets show and alert, but do "
                + "not stop Gemini."})
final class GeminiInstall implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    InstallOptions where;

    @Override
    public Integer call() {
        Connection target = connection.resolve(store);
        Path file = where.dir(store, ".gemini").resolve("settings.json");
        ConfigFile.editJson(file, s -> GeminiSettings.install(s, file, target.url(), where.force), where.dryRun,
                System.out);
        where.done();
        System.out.println("Gemini reads the key and the agent from its environment only; add to the shell that "
                + "runs gemini (e.g. ~/.profile):");
        System.out.println("export OTEL_EXPORTER_OTLP_HEADERS=" + Shell.join(java.util.List.of("X-API-Key="
                + target.key())));
        System.out.println("export OTEL_RESOURCE_ATTRIBUTES=" + Shell.join(java.util.List.of(
                target.resourceAttributes())));
        return 0;
    }
}
