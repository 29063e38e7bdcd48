package dev.entourage.cli.install;

import picocli.CommandLine.Option;

/** What the JSON installs take: where (as uninstall), and whether others' telemetry settings may be replaced. */
final class InstallOptions extends UninstallOptions {
    @Option(names = "--force", description = "Replace telemetry settings someone else made (the backup keeps them).")
    boolean force;
}
