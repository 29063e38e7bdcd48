package dev.entourage.cli.install;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code entourage uninstall claude-code|codex|gemini}: takes out exactly what install put in. */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
        description = "Take Entourage's entries out of a coding agent's configuration files, leaving the rest as it "
                + "is (each changed file is backed up beside it first).",
        subcommands = {ClaudeCodeUninstall.class, CodexUninstall.class, GeminiUninstall.class})
public final class UninstallCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Say which agent: claude-code, codex or gemini.");
    }
}
