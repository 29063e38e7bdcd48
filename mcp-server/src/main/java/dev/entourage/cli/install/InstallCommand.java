package dev.entourage.cli.install;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code entourage install claude-code|codex|gemini}: one command to point a coding agent at Entourage. */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = "Point a coding agent's own telemetry (and, for Claude Code, its hooks and MCP server) at "
                + "Entourage, by merging into its configuration files. `entourage uninstall AGENT` undoes it.",
        subcommands = {ClaudeCodeInstall.class, CodexInstall.class, GeminiInstall.class})
public final class InstallCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Say which agent: claude-code, codex or gemini.");
    }
}
