package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Budget;
import dev.entourage.ledger.Violation;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage budget AGENT}: an agent's budget now. */
@Command(name = "budget", mixinStandardHelpOptions = true,
        description = "Show an agent's budget now: its day, its task, its team's day. Exit code 0 either way.")
final class BudgetCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(paramLabel = "AGENT", description = "The agent's name or id.")
    String agent;

    @Option(names = "--task", paramLabel = "ID", description = "Check this task's cap (default: the open session's).")
    Long task;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        try (Ledger ledger = store.open()) {
            Budget budget = ledger.services().budgets().check(Actor.local(), Ref.parse(agent), task, null);
            if (format == Format.json) {
                Output.json(new LedgerJson(Clock.systemUTC()).budget(budget));
                return 0;
            }
            Output.table(List.of("scope", "limit", "spent", "held", "remaining"), List.of(
                    List.of("agent daily", Output.dollars(budget.dailyLimit()), Output.dollars(budget.dailySpent()),
                            Output.dollars(budget.dailyHeld()), Output.dollars(budget.dailyRemaining())),
                    List.of("task " + Output.text(budget.taskId()), Output.dollars(budget.taskLimit()),
                            budget.taskSpent() == null ? "-" : Output.dollars(budget.taskSpent()),
                            budget.taskHeld() == null ? "-" : Output.dollars(budget.taskHeld()),
                            budget.taskSpent() == null ? "-" : Output.dollars(budget.taskRemaining())),
                    List.of("team daily", Output.dollars(budget.teamDailyLimit()),
                            Output.dollars(budget.teamDailySpent()), Output.dollars(budget.teamDailyHeld()),
                            Output.dollars(budget.teamDailyRemaining()))));
            Output.out().println();
            Output.out().println(budget.overBudget()
                    ? "OVER BUDGET: " + String.join(", ", budget.violations().stream()
                            .map(Violation::scope).map(s -> s.wireName()).toList())
                    : "Within budget.");
            Output.out().println("Daily scopes reset at " + budget.resetsAt() + ".");
        }
        return 0;
    }
}
