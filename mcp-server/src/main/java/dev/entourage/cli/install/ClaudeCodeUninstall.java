package dev.entourage.cli.install;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.cli.StoreOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code entourage uninstall claude-code}: takes out exactly what {@code install claude-code} put in. */
@Command(name = "claude-code", mixinStandardHelpOptions = true,
        description = {"Take Entourage's entries out of Claude Code's settings: the telemetry variables it set "
                + "(those listed in ENTOURAGE_INSTALLED_ENV), its hooks (those posting to /hooks/claude-code or "
                + "running `entourage hook`) and the `entourage` MCP server. Everything else stays as it is; each "
                + "changed file is backed up beside it first.",
                "--scope project also takes the telemetry variables out of ~/.claude/settings.json, unless a user "
                + "install's hooks are there too."})
final class ClaudeCodeUninstall implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    UninstallOptions where;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        ClaudeCodeFiles files = where.files(store);
        boolean dry = where.dryRun;
        if (where.scope == Scope.user) {
            ConfigFile.editJson(files.userSettings(), s -> ClaudeCodeSettings.uninstall(s, true), dry, out);
            ConfigFile.editJson(files.userMcp(), McpServers::remove, dry, out);
        } else {
            ConfigFile.editJson(files.projectSettings(), s -> ClaudeCodeSettings.uninstall(s, true), dry, out);
            ConfigFile.editJson(files.projectMcp(), McpServers::remove, dry, out);
            ConfigFile.editJson(files.userSettings(), s -> userTelemetry(s, files.userSettings(), out), dry, out);
        }
        where.done();
        return 0;
    }

    private static ObjectNode userTelemetry(ObjectNode settings, Path file, PrintStream out) {
        if (ClaudeCodeSettings.hasOurHooks(settings)) {
            out.println(file + ": kept its telemetry settings, as a user install uses them (`entourage uninstall "
                    + "claude-code` takes them out).");
            return settings;
        }
        return ClaudeCodeSettings.uninstall(settings, false);
    }
}
