package dev.entourage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.http.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code entourage} in-process against one database, with stdin, stdout and stderr captured. The ledger is
 * made first (as {@code init} would, without a key) unless the command is {@code init} or the runner is
 * {@link #withoutLedger}: every other command refuses a missing ledger.
 */
final class CliRunner {
    private final Path db;
    private final boolean makeLedger;

    CliRunner(Path db) {
        this(db, true);
    }

    private CliRunner(Path db, boolean makeLedger) {
        this.db = db;
        this.makeLedger = makeLedger;
    }

    /** A runner that leaves a missing ledger missing. */
    static CliRunner withoutLedger(Path db) {
        return new CliRunner(db, false);
    }

    /** Creates the ledger at {@code db} if it is missing, as {@code init} does (without an admin key). */
    static void ensureLedger(Path db) {
        if (!java.nio.file.Files.exists(db)) {
            dev.entourage.app.Ledger.open(db.toString(), null, java.time.Clock.systemUTC()).close();
        }
    }

    record Run(int code, String out, String err) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not one JSON document: " + out, e);
            }
        }

        List<String> lines() {
            return out.lines().toList();
        }
    }

    Run run(String... args) {
        return runWithInput(null, args);
    }

    Run runWithInput(String stdin, String... args) {
        if (makeLedger && args.length > 0 && !args[0].equals("init") && !List.of(args).contains("--help")) {
            ensureLedger(db);
        }
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--db");
        all.add(db.toString());
        return execute(System.getenv(), stdin, all.toArray(String[]::new));
    }

    /** Runs {@code entourage args} with {@code env} as its environment, capturing stdin, stdout and stderr. */
    static Run execute(java.util.Map<String, String> env, String stdin, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        if (stdin != null) {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            int code = EntourageCommand.execute(env, args);
            return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }
}
