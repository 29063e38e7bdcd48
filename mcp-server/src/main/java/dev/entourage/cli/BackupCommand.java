package dev.entourage.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.app.Ledger;
import dev.entourage.http.json.Json;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage backup FILE}: a consistent copy of the live ledger, made with {@code VACUUM INTO}. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Write a consistent copy of the ledger database to FILE while it is in use.",
                "FILE must not exist yet; missing directories are created. Never copy the live file by hand: "
                        + "a copy taken mid-write can be damaged.",
                "To restore, stop every sidecar and server and put the copy in place of the database."})
final class BackupCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(paramLabel = "FILE", description = "Where to write the copy (a new file).")
    Path target;

    @Option(names = "--json", description = "Print {\"database\", \"backup\", \"size_bytes\"}.")
    boolean json;

    @Override
    public Integer call() {
        try (Ledger ledger = store.open()) {
            long size = ledger.admin().backup(target);
            Path copy = target.toAbsolutePath().normalize();
            if (json) {
                ObjectNode node = Json.mapper().createObjectNode();
                node.put("database", ledger.admin().location());
                node.put("backup", copy.toString());
                node.put("size_bytes", size);
                Output.json(node);
            } else {
                Output.out().println("Backed up " + ledger.admin().location() + " to " + copy + " (" + size
                        + " bytes).");
            }
        }
        return 0;
    }
}
