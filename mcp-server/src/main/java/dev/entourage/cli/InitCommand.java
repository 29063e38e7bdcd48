package dev.entourage.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.app.Ledger;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.Team;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code entourage init}: creates the database and the {@code default} team; idempotent. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create the ledger database and the 'default' team. Running it again changes nothing.")
final class InitCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--json", description = "Print {\"team_id\", \"team\", \"admin_key\", \"database\", \"created\"}.")
    boolean json;

    @Override
    public Integer call() {
        boolean existed = Files.exists(Ledger.databaseFile(store.db));
        try (Ledger ledger = store.open()) {
            Team team = ledger.service().team(Team.DEFAULT_NAME);
            if (json) {
                ObjectNode node = Json.mapper().createObjectNode();
                node.put("team_id", team.id());
                node.put("team", team.name());
                node.putNull("admin_key");
                node.put("database", ledger.file().toAbsolutePath().toString());
                node.put("created", !existed);
                Output.json(node);
            } else if (existed) {
                Output.out().println("The ledger at " + ledger.file().toAbsolutePath()
                        + " already exists; nothing changed.");
            } else {
                Output.out().println("Created the ledger at " + ledger.file().toAbsolutePath() + " with team '"
                        + team.name() + "' (id " + team.id() + ").");
            }
        }
        return 0;
    }
}
