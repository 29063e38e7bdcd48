package dev.entourage.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.app.Ledger;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.spi.StoreFacts;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code entourage doctor}: SQLite's full integrity check on the ledger, and a few facts about it. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check the ledger database: run SQLite's full integrity check and show its file, size, "
                + "schema version, journal mode and row counts.",
                "Safe while sidecars and the server write to it. Exit 0 when healthy, 1 when problems were found "
                        + "or the database cannot be opened."})
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--json", description = "Print {\"ok\", \"problems\", \"database\", \"size_bytes\", "
            + "\"wal_bytes\", \"schema_version\", \"journal_mode\", \"sessions\", \"usage_events\"}.")
    boolean json;

    @Override
    public Integer call() {
        try (Ledger ledger = store.open()) {
            List<String> problems = ledger.admin().integrityCheck();
            StoreFacts facts = ledger.admin().facts();
            if (json) {
                ObjectNode node = Json.mapper().createObjectNode();
                node.put("ok", problems.isEmpty());
                ArrayNode list = node.putArray("problems");
                problems.forEach(list::add);
                node.put("database", facts.location());
                node.put("size_bytes", facts.sizeBytes());
                node.put("wal_bytes", facts.walBytes());
                node.put("schema_version", facts.schemaVersion());
                node.put("journal_mode", facts.journalMode());
                node.put("sessions", facts.sessions());
                node.put("usage_events", facts.usageEvents());
                Output.json(node);
            } else {
                if (problems.isEmpty()) {
                    Output.out().println("ok");
                } else {
                    Output.out().println("PROBLEMS: the integrity check found " + problems.size() + ":");
                    problems.forEach(problem -> Output.out().println("  " + problem));
                    Output.out().println("Stop the sidecars and the server, then restore a backup or move the "
                            + "file aside to start afresh.");
                }
                Output.out().println("database:       " + facts.location());
                Output.out().println("size:           " + facts.sizeBytes() + " bytes (+ " + facts.walBytes()
                        + " bytes of WAL)");
                Output.out().println("schema version: " + facts.schemaVersion());
                Output.out().println("journal mode:   " + facts.journalMode());
                Output.out().println("sessions:       " + facts.sessions());
                Output.out().println("usage events:   " + facts.usageEvents());
            }
            return problems.isEmpty() ? 0 : EntourageCommand.FAILURE;
        }
    }
}
