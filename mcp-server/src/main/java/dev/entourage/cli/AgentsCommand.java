package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.http.json.SettingsJson;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.Team;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.AgentSettings;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage agents}: agent settings. */
@Command(name = "agents", mixinStandardHelpOptions = true, description = "Agent settings.",
        subcommands = {AgentsCommand.Set.class, AgentsCommand.ListAgents.class})
final class AgentsCommand {
    private static final List<String> HEADER = List.of("id", "agent", "team", "daily limit", "weekly limit",
            "monthly limit", "paused");

    private static List<String> row(Agent agent, String team, boolean csv) {
        java.util.function.Function<Long, String> money = micros -> Output.money(micros, csv);
        return List.of(Long.toString(agent.id()), agent.name(), team, money.apply(agent.dailyLimitMicros()),
                money.apply(agent.weeklyLimitMicros()), money.apply(agent.monthlyLimitMicros()),
                Boolean.toString(agent.paused()));
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the agents (of --team, else of every team) and their limits.")
    static final class ListAgents implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--team", paramLabel = "NAME", description = "Only this team's agents.")
        String team;

        @Mixin
        ListFormat listing;

        @Override
        public Integer call() {
            try (Ledger ledger = store.open()) {
                List<Team> teams = team == null ? ledger.services().settings().teams(Actor.local())
                        : List.of(ledger.services().settings().team(Actor.local(), Ref.parse(team)));
                List<Agent> agents = new ArrayList<>();
                Map<Long, String> teamNames = new HashMap<>();
                for (Team t : teams) {
                    teamNames.put(t.id(), t.name());
                    agents.addAll(ledger.services().settings().agents(Actor.local(), Ref.id(t.id())));
                }
                Output.list(listing.format, "agents", agents, SettingsJson::agent, HEADER,
                        (a, csv) -> row(a, teamNames.get(a.teamId()), csv),
                        "No agents yet: create one with `entourage agents set NAME`.");
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Create an agent (in --team, else 'default') or change its settings; prints the agent.")
    static final class Set implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(paramLabel = "NAME", description = "The agent's name, e.g. eng-1.")
        String name;

        @Option(names = "--team", paramLabel = "NAME", description = "The team the agent belongs to.")
        String team;

        @Option(names = "--daily-limit", paramLabel = "USD|none",
                description = "The agent's daily cap in dollars; 'none' removes it.")
        String dailyLimit;

        @Option(names = "--weekly-limit", paramLabel = "USD|none",
                description = "The agent's cap per ISO week (Monday to Sunday in its team's zone); 'none' removes it.")
        String weeklyLimit;

        @Option(names = "--monthly-limit", paramLabel = "USD|none",
                description = "The agent's cap per calendar month (in its team's zone); 'none' removes it.")
        String monthlyLimit;

        @Option(names = "--paused", paramLabel = "true|false", arity = "1",
                description = "Pause (true) or resume (false) the agent.")
        Boolean paused;

        @Option(names = "--json", description = "Print the agent as JSON.")
        boolean json;

        @Override
        public Integer call() {
            AgentSettings settings = new AgentSettings(Limits.limit("--daily-limit", dailyLimit), Limits.flag(paused))
                    .withWindows(Limits.limit("--weekly-limit", weeklyLimit),
                            Limits.limit("--monthly-limit", monthlyLimit));
            try (Ledger ledger = store.open()) {
                Agent agent = ledger.services().settings().setAgent(Actor.local(), name,
                        team == null ? null : Ref.parse(team), settings);
                if (json) {
                    Output.json(SettingsJson.agent(agent));
                } else {
                    Team agentTeam = ledger.services().settings().team(Actor.local(), Ref.id(agent.teamId()));
                    Output.table(HEADER, List.of(row(agent, agentTeam.name(), false)));
                }
            }
            return 0;
        }
    }
}
