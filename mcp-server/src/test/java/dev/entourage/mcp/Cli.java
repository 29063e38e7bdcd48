package dev.entourage.mcp;

import dev.entourage.cli.EntourageCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code entourage} commands in-process against a test database, as a person would set things up. */
final class Cli {
    private final Path db;

    Cli(Path db) {
        this.db = db;
    }

    /** Runs the command and returns its exit code; the ledger is made first (as init would) unless it is init. */
    int run(String... args) {
        if (args.length > 0 && !args[0].equals("init") && !java.nio.file.Files.exists(db)) {
            dev.entourage.app.Ledger.open(db.toString(), null, java.time.Clock.systemUTC()).close();
        }
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--db");
        all.add(db.toString());
        return EntourageCommand.execute(all.toArray(String[]::new));
    }

    /** Runs the command, which must succeed, and returns what it printed on stdout. */
    String output(String... args) {
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            ok(args);
        } finally {
            System.setOut(original);
        }
        return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    void ok(String... args) {
        int code = run(args);
        if (code != 0) {
            throw new AssertionError("entourage " + String.join(" ", args) + " exited with " + code);
        }
    }
}
