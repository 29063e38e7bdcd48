package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.ledger.Change;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TeamSettings;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage teams}: team settings. */
@Command(name = "teams", mixinStandardHelpOptions = true, description = "Team settings.",
        subcommands = TeamsCommand.Set.class)
final class TeamsCommand {

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Create a team or change its settings; prints the team.")
    static final class Set implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(paramLabel = "NAME", description = "The team's name.")
        String name;

        @Option(names = "--daily-limit", paramLabel = "USD|none",
                description = "Daily cap for all agents of the team together, in dollars; 'none' removes it.")
        String dailyLimit;

        @Option(names = "--timezone", paramLabel = "ZONE",
                description = "IANA zone whose midnight starts the budget day, e.g. Europe/Berlin.")
        String timezone;

        @Option(names = "--paused", paramLabel = "true|false", arity = "1",
                description = "Pause (true) or resume (false) every agent of the team.")
        Boolean paused;

        @Option(names = "--task-type-budget", paramLabel = "TYPE=USD",
                description = "Default cap for tasks of a type without their own; repeat for several types. "
                        + "Replaces the team's whole set.")
        Map<String, String> taskTypeBudgets;

        @Option(names = "--json", description = "Print the team as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Change<Map<String, Long>> budgets = Change.keep();
            if (taskTypeBudgets != null) {
                Map<String, Long> parsed = new LinkedHashMap<>();
                taskTypeBudgets.forEach((type, usd) ->
                        parsed.put(type, Money.parseDollars(usd, "--task-type-budget", Money.MAX_REPORTED_MICROS)));
                budgets = Change.to(parsed);
            }
            TeamSettings settings = new TeamSettings(Limits.limit("--daily-limit", dailyLimit),
                    Limits.zone(timezone), Limits.flag(paused), budgets);
            try (Ledger ledger = store.open()) {
                Team team = ledger.service().setTeam(name, settings);
                if (json) {
                    Output.json(new LedgerJson(Clock.systemUTC()).team(team));
                } else {
                    Output.table(List.of("id", "team", "daily limit", "timezone", "paused"),
                            List.of(List.of(Long.toString(team.id()), team.name(), Output.dollars(team.dailyLimitMicros()),
                                    team.zone().getId(), Boolean.toString(team.paused()))));
                }
            }
            return 0;
        }
    }
}
