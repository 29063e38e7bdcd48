package dev.entourage.cli.install;

import dev.entourage.cli.StoreOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where an install or uninstall works: the scope, the project, and whether it only shows the diff. */
class UninstallOptions extends DryRun {
    @Option(names = "--scope", paramLabel = "user|project", defaultValue = "user",
            description = "user: every project of yours (default); project: the project in --project.")
    Scope scope;

    @Option(names = "--project", paramLabel = "DIR", defaultValue = ".",
            description = "The project for --scope project (default: the current directory).")
    Path project;

    ClaudeCodeFiles files(StoreOptions store) {
        return ClaudeCodeFiles.of(store.env(), store.home(), project);
    }

    /** The agent's settings directory for this scope: {@code ~/.NAME} or {@code PROJECT/.NAME}. */
    Path dir(StoreOptions store, String name) {
        return scope == Scope.user ? Path.of(store.home(), name) : project.toAbsolutePath().normalize().resolve(name);
    }
}
