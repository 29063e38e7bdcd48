package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.http.json.SettingsJson;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Change;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TeamSettings;
import dev.entourage.ledger.UpstreamKeys;
import dev.entourage.ledger.UpstreamProvider;
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
        subcommands = {TeamsCommand.Set.class, TeamsCommand.ListTeams.class})
final class TeamsCommand {
    private static final List<String> HEADER = List.of("id", "team", "daily limit", "weekly limit", "monthly limit",
            "session cap", "timezone", "paused", "runaway $/min", "alerts at", "alert webhook", "new agent daily",
            "new agent weekly", "new agent monthly", "strict agents", "max repeated calls");

    private static List<String> row(Team team, boolean csv) {
        java.util.function.Function<Long, String> money = micros -> Output.money(micros, csv);
        return List.of(Long.toString(team.id()), team.name(), money.apply(team.dailyLimitMicros()),
                money.apply(team.weeklyLimitMicros()), money.apply(team.monthlyLimitMicros()),
                money.apply(team.maxSessionCostMicros()), team.zone().getId(), Boolean.toString(team.paused()),
                money.apply(team.maxSessionRateMicros()),
                team.alertThresholds().isEmpty() ? "none" : team.alertThresholds().stream()
                        .map(t -> t + "%").collect(java.util.stream.Collectors.joining(",")),
                team.alertWebhookUrl() == null ? "-" : team.alertWebhookUrl(),
                money.apply(team.agentDefaults().dailyLimitMicros()),
                money.apply(team.agentDefaults().weeklyLimitMicros()),
                money.apply(team.agentDefaults().monthlyLimitMicros()),
                Boolean.toString(team.agentDefaults().strict()),
                team.maxRepeatedToolCalls() == null ? "off" : Integer.toString(team.maxRepeatedToolCalls()));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the teams and their settings.")
    static final class ListTeams implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Mixin
        ListFormat listing;

        @Override
        public Integer call() {
            try (Ledger ledger = store.open()) {
                Output.list(listing.format, "teams", ledger.services().settings().teams(Actor.local()),
                        SettingsJson::team, HEADER, TeamsCommand::row, "No teams.");
            }
            return 0;
        }
    }

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

        @Option(names = "--weekly-limit", paramLabel = "USD|none",
                description = "Cap per ISO week (Monday to Sunday in the team's zone) for all agents together; "
                        + "'none' removes it.")
        String weeklyLimit;

        @Option(names = "--monthly-limit", paramLabel = "USD|none",
                description = "Cap per calendar month (in the team's zone) for all agents together; 'none' "
                        + "removes it.")
        String monthlyLimit;

        @Option(names = "--max-session-cost", paramLabel = "USD|none",
                description = "Cap of every session of the team (stop_reason session); 'none' removes it.")
        String maxSessionCost;

        @Option(names = "--task-type-session-cap", paramLabel = "TYPE=USD",
                description = "Session cap for sessions on tasks of a type, instead of --max-session-cost; repeat "
                        + "for several types. Replaces the team's whole set.")
        Map<String, String> taskTypeSessionCaps;

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

        @Option(names = "--max-session-cost-per-minute", paramLabel = "USD|none",
                description = "Runaway guard: a session spending more than this per minute, averaged over the "
                        + "last 5 minutes, is told to stop (stop_reason runaway); 'none' removes it.")
        String maxSessionRate;

        @Option(names = "--alert-webhook-url", paramLabel = "URL|none",
                description = "Where the bridge (entourage serve) POSTs budget alerts (Slack-compatible JSON); "
                        + "'none' removes it.")
        String alertWebhookUrl;

        @Option(names = "--alert-thresholds", paramLabel = "PERCENTS|none",
                description = "Comma-separated percentages of a limit at which an alert fires, e.g. 50,90 "
                        + "(default 80,100); 'none' turns alerts off.")
        String alertThresholds;

        @Option(names = "--default-agent-daily-limit", paramLabel = "USD|none",
                description = "The daily cap every agent the team creates from now on gets (on first use by a "
                        + "sidecar, agents set, REST or a new key); 'none' removes it.")
        String defaultAgentDailyLimit;

        @Option(names = "--default-agent-weekly-limit", paramLabel = "USD|none",
                description = "The weekly cap of agents the team creates; 'none' removes it.")
        String defaultAgentWeeklyLimit;

        @Option(names = "--default-agent-monthly-limit", paramLabel = "USD|none",
                description = "The monthly cap of agents the team creates; 'none' removes it.")
        String defaultAgentMonthlyLimit;

        @Option(names = "--strict-agents", paramLabel = "true|false", arity = "1",
                description = "Refuse agents nobody created (true) instead of creating them on first use.")
        Boolean strictAgents;

        @Option(names = "--max-repeated-tool-calls", paramLabel = "N|off",
                description = "Loop guard for Claude Code hooks: the N-th call in a row of the same tool with the "
                        + "same input in a session is denied (N from 2 to 1000); 'off' removes it (the default).")
        String maxRepeatedToolCalls;

        @Option(names = "--anthropic-key-file", paramLabel = "PATH|none",
                description = "A file holding the team's Anthropic API key (its first line): the gateway at "
                        + "/anthropic sends it instead of the caller's credential, so agents never see it. Only "
                        + "the path is stored; the file is read again when it changes. 'none' removes it.")
        String anthropicKeyFile;

        @Option(names = "--openai-key-file", paramLabel = "PATH|none",
                description = "A file holding the team's OpenAI API key, stored and used the same way by the "
                        + "gateway at /openai; 'none' removes it.")
        String openaiKeyFile;

        @Option(names = "--refuse-unpriced-models", paramLabel = "true|false", arity = "1",
                description = "Refuse sessions, usage reports and gateway calls on a model the price table has no "
                        + "row for (true) instead of pricing them by an estimate (false, the default).")
        Boolean refuseUnpricedModels;

        @Option(names = "--json", description = "Print the team as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Change<Map<String, Long>> budgets = byType("--task-type-budget", taskTypeBudgets);
            Change<Long> rate = maxSessionRate == null ? Change.keep()
                    : "none".equalsIgnoreCase(maxSessionRate.strip()) ? Change.to(null)
                    : Change.to(Money.parseDollars(maxSessionRate, "--max-session-cost-per-minute",
                            Money.MAX_REPORTED_MICROS));
            Change<String> webhook = alertWebhookUrl == null ? Change.keep()
                    : Change.to("none".equalsIgnoreCase(alertWebhookUrl.strip()) ? null : alertWebhookUrl);
            Change<List<Integer>> thresholds = Change.keep();
            if (alertThresholds != null) {
                List<Integer> parsed = new java.util.ArrayList<>();
                for (String t : alertThresholds.split(",", -1)) {
                    if (t.isBlank() || "none".equalsIgnoreCase(t.strip())) {
                        continue;
                    }
                    try {
                        parsed.add(Integer.parseInt(t.strip().replace("%", "")));
                    } catch (NumberFormatException e) {
                        throw LedgerException.invalid("--alert-thresholds", "must be whole percentages such as 80,100");
                    }
                }
                thresholds = Change.to(parsed);
            }
            TeamSettings settings = new TeamSettings(Limits.limit("--daily-limit", dailyLimit),
                    Limits.zone(timezone), Limits.flag(paused), budgets, thresholds, webhook, rate)
                    .withWindows(Limits.limit("--weekly-limit", weeklyLimit),
                            Limits.limit("--monthly-limit", monthlyLimit))
                    .withSessionCaps(Limits.limit("--max-session-cost", maxSessionCost),
                            byType("--task-type-session-cap", taskTypeSessionCaps))
                    .withAgentDefaults(Limits.limit("--default-agent-daily-limit", defaultAgentDailyLimit),
                            Limits.limit("--default-agent-weekly-limit", defaultAgentWeeklyLimit),
                            Limits.limit("--default-agent-monthly-limit", defaultAgentMonthlyLimit),
                            Limits.flag(strictAgents))
                    .withMaxRepeatedToolCalls(Limits.repeats("--max-repeated-tool-calls", maxRepeatedToolCalls))
                    .withRefuseUnpricedModels(Limits.flag(refuseUnpricedModels));
            for (String[] file : new String[][] {{"--anthropic-key-file", anthropicKeyFile},
                    {"--openai-key-file", openaiKeyFile}}) {
                if (file[1] != null && !"none".equalsIgnoreCase(file[1].strip())) {
                    UpstreamKeys.checked(file[1], file[0]);
                }
            }
            try (Ledger ledger = store.open()) {
                Team team = ledger.services().settings().setTeam(Actor.local(), name, settings);
                keyFile(ledger, team, UpstreamProvider.ANTHROPIC, "--anthropic-key-file", anthropicKeyFile);
                keyFile(ledger, team, UpstreamProvider.OPENAI, "--openai-key-file", openaiKeyFile);
                if (json) {
                    Output.json(SettingsJson.team(team));
                } else {
                    Output.table(HEADER, List.of(row(team, false)));
                    for (UpstreamProvider provider : UpstreamProvider.values()) {
                        ledger.services().upstreamKeys().path(Actor.local(), Ref.id(team.id()), provider)
                                .ifPresent(path -> System.out.println(provider.wireName() + " key file: " + path));
                    }
                }
            }
            return 0;
        }

        private static void keyFile(Ledger ledger, Team team, UpstreamProvider provider, String option,
                                    String given) {
            if (given != null) {
                ledger.services().upstreamKeys().set(Actor.local(), Ref.id(team.id()), provider,
                        "none".equalsIgnoreCase(given.strip()) ? null : given, option);
            }
        }

        private static Change<Map<String, Long>> byType(String option, Map<String, String> given) {
            if (given == null) {
                return Change.keep();
            }
            Map<String, Long> parsed = new LinkedHashMap<>();
            given.forEach((type, usd) -> parsed.put(type, Money.parseDollars(usd, option, Money.MAX_REPORTED_MICROS)));
            return Change.to(parsed);
        }
    }
}
