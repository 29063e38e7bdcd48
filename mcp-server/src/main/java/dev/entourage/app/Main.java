package dev.entourage.app;

import dev.entourage.cli.EntourageCommand;

/** Entry point of {@code entourage.jar}. */
public final class Main {
    private static final String PROVIDER = "slf4j.provider";
    private static final String VERBOSITY = "slf4j.internal.verbosity";

    private Main() {
    }

    /** Selects the logging provider ({@link QuietDisconnects}) before anything logs, then runs the command. */
    public static void main(String[] args) {
        if (System.getProperty(PROVIDER) == null) {
            System.setProperty(PROVIDER, QuietDisconnects.class.getName());
            if (System.getProperty(VERBOSITY) == null) {
                System.setProperty(VERBOSITY, "WARN"); // not the line slf4j prints on choosing a named provider
            }
        }
        System.exit(EntourageCommand.execute(args));
    }
}
