package dev.entourage.cli.install;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.cli.StoreOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code entourage install claude-code}: telemetry, hooks and the MCP server, merged into Claude Code's settings. */
@Command(name = "claude-code", mixinStandardHelpOptions = true,
        description = {"Set Claude Code up to report to Entourage without the model's help: its OpenTelemetry "
                + "events (every model call's tokens and dollars) and metrics go to the bridge, its hooks "
                + "(SessionStart, UserPromptSubmit, PreToolUse, PostToolBatch, SessionEnd) ask the bridge before "
                + "each step and stop the session when its budget is spent, and the MCP server entry starts the "
                + "sidecar.",
                "Files: --scope user (default) writes ~/.claude/settings.json and ~/.claude.json; --scope project "
                + "writes .claude/settings.json and .mcp.json in the project, plus the telemetry switch, endpoint "
                + "and key in ~/.claude/settings.json (Claude Code ignores those in project settings).",
                "It merges (every other setting is kept), backs each changed file up beside it "
                + "(NAME.entourage-backup), writes it 0600 (it holds the key), changes nothing when run again, "
                + "and `entourage uninstall claude-code` takes exactly its entries out. --dry-run prints the diff.",
                "HTTP hooks fail open: while the bridge is down Claude Code goes on unchecked. --fail-closed runs "
                + "`entourage hook` instead, which refuses the step when it cannot reach the bridge."})
final class ClaudeCodeInstall implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    InstallOptions install;

    @Option(names = "--fail-closed", description = "Blocking hooks run `entourage hook` (a command), which refuses "
            + "the step when the bridge cannot be reached, instead of HTTP hooks, which Claude Code skips then.")
    boolean failClosed;

    @Option(names = "--entourage", paramLabel = "PATH", description = "The entourage executable the hooks and the "
            + "MCP server start (default: the one running this command).")
    String entourage;

    @Option(names = "--mcp", paramLabel = "stdio|http|none", description = "The MCP server entry: the stdio "
            + "sidecar on --db, MCP over HTTP at the bridge, or none (default: stdio for a bridge on this "
            + "machine, else http).")
    String mcp;

    @Override
    public Integer call() {
        Connection target = connection.resolve(store);
        PrintStream out = System.out;
        ClaudeCodeFiles files = install.files(store);
        List<String> launcher = Launcher.command(entourage, store.env());
        Map<String, String> env = ClaudeCodeSettings.telemetry(target);
        Map<String, ObjectNode> hooks = ClaudeCodeSettings.hooks(target, launcher, failClosed);
        ObjectNode server = server(target, launcher);
        boolean dry = install.dryRun;
        if (install.scope == Scope.user) {
            ConfigFile.editJson(files.userSettings(), s -> ClaudeCodeSettings.install(s, files.userSettings(), env,
                    hooks, true, install.force), dry, out);
        } else {
            Map<String, String> project = new LinkedHashMap<>(env);
            project.keySet().retainAll(ClaudeCodeSettings.PROJECT_ENV);
            Map<String, String> user = new LinkedHashMap<>(env);
            user.keySet().removeAll(ClaudeCodeSettings.PROJECT_ENV);
            ConfigFile.editJson(files.projectSettings(), s -> ClaudeCodeSettings.install(s, files.projectSettings(),
                    project, hooks, true, install.force), dry, out);
            ConfigFile.editJson(files.userSettings(), s -> ClaudeCodeSettings.install(s, files.userSettings(), user,
                    Map.of(), false, install.force), dry, out);
        }
        Path mcpFile = install.scope == Scope.user ? files.userMcp() : files.projectMcp();
        if (server != null) {
            ConfigFile.editJson(mcpFile, c -> McpServers.put(c, mcpFile, server), dry, out);
        }
        if (dry) {
            install.done();
            return 0;
        }
        out.println("Claude Code reports to " + target.url() + " as agent " + target.agent()
                + (target.task() == null ? "" : " on task " + target.task()) + ". Start the bridge (`entourage "
                + "serve`) if it is not running; " + (failClosed ? "while it is down, blocking hooks refuse every "
                + "step." : "while it is down, Claude Code goes on unchecked (HTTP hooks fail open; --fail-closed "
                + "changes that)."));
        if (install.scope == Scope.project) {
            out.println("The project's .claude/settings.json now holds the key: keep it out of version control "
                    + "(or use --scope user).");
        }
        return 0;
    }

    private ObjectNode server(Connection target, List<String> launcher) {
        String kind = mcp != null ? mcp : target.isLocal() ? "stdio" : "http";
        switch (kind) {
            case "stdio":
                return McpServers.stdio(launcher, target.agent(), Path.of(store.location().db()).toAbsolutePath()
                        .toString());
            case "http":
                return McpServers.http(target);
            case "none":
                return null;
            default:
                throw dev.entourage.ledger.LedgerException.invalid("mcp", "--mcp must be stdio, http or none");
        }
    }
}
