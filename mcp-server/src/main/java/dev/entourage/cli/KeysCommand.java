package dev.entourage.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.app.Ledger;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.access.ApiKey;
import dev.entourage.ledger.access.IssuedKey;
import dev.entourage.ledger.access.Role;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage keys}: API keys of a team; the secret is shown once, at creation. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "API keys: create (shown once), list (prefix only), revoke.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create an API key and print it once; only its hash is kept.",
                    "An agent key acts for one agent (created in the team if new); an admin key does everything in "
                            + "its team; a viewer key reads.",
                    "Example: entourage keys create --role agent --agent eng-1 --name 'eng-1 laptop'"})
    static final class Create implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--role", required = true, paramLabel = "agent|admin|viewer", description = "What the key may do.")
        String role;

        @Option(names = "--agent", paramLabel = "NAME", description = "The agent an agent key acts for.")
        String agent;

        @Option(names = "--team", paramLabel = "NAME", defaultValue = Team.DEFAULT_NAME,
                description = "The key's team (default: ${DEFAULT-VALUE}).")
        String team;

        @Option(names = "--name", paramLabel = "LABEL", description = "A label to recognise the key by.")
        String name;

        @Option(names = "--json", description = "Print {\"id\", \"key\", \"prefix\", \"role\", \"team_id\", "
                + "\"agent_id\", \"name\", \"created_at\"}.")
        boolean json;

        @Override
        public Integer call() {
            Role keyRole = Role.fromWire("--role", role == null ? null : role.toLowerCase(Locale.ROOT));
            try (Ledger ledger = store.open()) {
                IssuedKey issued = ledger.access().createKey(team, keyRole, agent, name);
                ApiKey key = issued.key();
                if (json) {
                    ObjectNode node = Json.mapper().createObjectNode();
                    node.put("id", key.id());
                    node.put("key", issued.secret());
                    KeysCommand.describe(node, key, null);
                    Output.json(node);
                } else {
                    String agentPart = key.agentId() == null ? "" : " for agent '" + agent.strip() + "'";
                    Output.out().println("Created " + keyRole.wireName() + " key " + key.id() + " (" + key.prefix()
                            + ")" + agentPart + " in team '" + team + "'. Copy it now: it is shown only this once "
                            + "and only its hash is kept.");
                    Output.out().println(issued.secret());
                }
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List a team's keys, newest first, revoked ones included (prefix only, never the key).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--team", paramLabel = "NAME", defaultValue = Team.DEFAULT_NAME,
                description = "The team (default: ${DEFAULT-VALUE}).")
        String team;

        @Mixin
        ListFormat listing;

        @Override
        public Integer call() {
            try (Ledger ledger = store.open()) {
                Team found = ledger.services().settings().team(Actor.local(), Ref.parse(team));
                List<ApiKey> keys = ledger.access().keys(found.id());
                Map<Long, String> agents = new HashMap<>();
                for (ApiKey key : keys) {
                    if (key.agentId() != null) {
                        agents.computeIfAbsent(key.agentId(),
                                id -> ledger.services().settings().agent(Actor.local(), Ref.id(id)).name());
                    }
                }
                print(found, keys, agents);
            }
            return 0;
        }

        private void print(Team found, List<ApiKey> keys, Map<Long, String> agents) {
            if (listing.format == Format.json) {
                ObjectNode root = Json.mapper().createObjectNode();
                ArrayNode array = root.putArray("keys");
                for (ApiKey key : keys) {
                    ObjectNode node = array.addObject();
                    node.put("id", key.id());
                    KeysCommand.describe(node, key, agents.get(key.agentId()));
                }
                Output.json(root);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (ApiKey key : keys) {
                rows.add(List.of(Long.toString(key.id()), key.prefix(), key.role().wireName(),
                        cell(agents.get(key.agentId())), cell(key.name()), time(key.createdAt()),
                        cell(time(key.lastUsedAt())), key.revokedAt() == null ? "active" : "revoked"));
            }
            List<String> header = List.of("id", "prefix", "role", "agent", "name", "created_at", "last_used_at",
                    "status");
            if (listing.format == Format.csv) {
                Output.csv(header, rows);
            } else if (keys.isEmpty()) {
                Output.out().println("No keys in team '" + found.name() + "'. Create one with "
                        + "`entourage keys create --role admin`.");
            } else {
                Output.table(header, rows);
            }
        }

        private String cell(String value) {
            return listing.format == Format.csv ? Objects.requireNonNullElse(value, "") : Output.text(value);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key at once; requests with it fail from then on. Revoking twice is fine.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(paramLabel = "ID", description = "The key's id (see `entourage keys list`).")
        long id;

        @Option(names = "--team", paramLabel = "NAME", defaultValue = Team.DEFAULT_NAME,
                description = "The key's team (default: ${DEFAULT-VALUE}).")
        String team;

        @Option(names = "--json", description = "Print the revoked key (prefix only) as JSON.")
        boolean json;

        @Override
        public Integer call() {
            try (Ledger ledger = store.open()) {
                Team found = ledger.services().settings().team(Actor.local(), Ref.parse(team));
                ApiKey key = ledger.access().revokeKey(id, found.id());
                if (json) {
                    ObjectNode node = Json.mapper().createObjectNode();
                    node.put("id", key.id());
                    KeysCommand.describe(node, key, null);
                    Output.json(node);
                } else {
                    Output.out().println("Revoked key " + key.id() + " (" + key.prefix() + ") of team '"
                            + found.name() + "' at " + time(key.revokedAt()) + ".");
                }
            }
            return 0;
        }
    }

    /** The listed fields of a key after its id: never a secret or a hash. */
    static void describe(ObjectNode node, ApiKey key, String agentName) {
        node.put("prefix", key.prefix());
        node.put("role", key.role().wireName());
        node.put("team_id", key.teamId());
        if (key.agentId() == null) {
            node.putNull("agent_id");
        } else {
            node.put("agent_id", key.agentId());
        }
        if (agentName != null) {
            node.put("agent", agentName);
        }
        node.put("name", key.name());
        node.put("created_at", time(key.createdAt()));
        node.put("last_used_at", time(key.lastUsedAt()));
        node.put("revoked_at", time(key.revokedAt()));
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
