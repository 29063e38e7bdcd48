package dev.entourage.cli;

import picocli.CommandLine.Option;

/** The {@code --format table|json|csv} option of the commands that list things. */
final class ListFormat {
    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format;
}
