package dev.entourage.cli.install;

import picocli.CommandLine.Option;

/** {@code --dry-run}: print the changes as a unified diff and write nothing. */
class DryRun {
    @Option(names = "--dry-run", description = "Print the changes as a unified diff and write nothing.")
    boolean dryRun;

    /** Says, after a dry run, that nothing was written. */
    void done() {
        if (dryRun) {
            System.out.println("Dry run: nothing was written.");
        }
    }
}
