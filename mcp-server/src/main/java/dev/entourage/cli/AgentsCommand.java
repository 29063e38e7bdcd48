package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.http.json.SettingsJson;
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
        subcommands = AgentsCommand.Set.class)
final class AgentsCommand {

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
                    Output.table(List.of("id", "agent", "team id", "daily limit", "weekly limit", "monthly limit",
                                    "paused"),
                            List.of(List.of(Long.toString(agent.id()), agent.name(), Long.toString(agent.teamId()),
                                    Output.dollars(agent.dailyLimitMicros()), Output.dollars(agent.weeklyLimitMicros()),
                                    Output.dollars(agent.monthlyLimitMicros()), Boolean.toString(agent.paused()))));
                }
            }
            return 0;
        }
    }
}
