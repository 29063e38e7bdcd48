package dev.entourage.app;

import dev.entourage.cli.EntourageCommand;

/** Entry point of {@code entourage.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(EntourageCommand.execute(args));
    }
}
