package dev.entourage.cli.install;

import picocli.CommandLine.Option;

/** What every install takes: where (as uninstall), what may be replaced, and the executable to start. */
final class InstallOptions extends UninstallOptions {
    @Option(names = "--force", description = "Replace telemetry settings someone else made (the backup keeps them).")
    boolean force;

    @Option(names = "--entourage", paramLabel = "PATH", description = "The entourage executable the agent starts "
            + "(default: the one running this command).")
    String entourage;
}
