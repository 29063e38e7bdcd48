package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.http.json.SettingsJson;
import dev.entourage.ledger.TaskSpend;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code entourage tasks}: tasks and their caps. */
@Command(name = "tasks", mixinStandardHelpOptions = true, description = "Tasks and their cost caps.",
        subcommands = {TasksCommand.Create.class, TasksCommand.ListTasks.class})
final class TasksCommand {
    private static final List<String> HEADER = List.of("id", "title", "type", "priority", "limit", "spent",
            "remaining", "tags");

    private static List<String> row(TaskSpend t, boolean csv) {
        return List.of(Long.toString(t.task().id()), t.task().title(), Output.text(t.task().taskType()),
                Output.text(t.task().priority()), Output.money(t.limitMicros(), csv), Output.money(t.spentMicros(), csv),
                Output.money(t.remainingMicros(), csv), String.join(" ", t.task().tags()));
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List a team's tasks, newest first, with their cap, spend and what remains.")
    static final class ListTasks implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--team", paramLabel = "NAME", defaultValue = "default",
                description = "The team (default: ${DEFAULT-VALUE}).")
        String team;

        @Mixin
        ListFormat listing;

        @Override
        public Integer call() {
            try (Ledger ledger = store.open()) {
                Output.list(listing.format, "tasks", ledger.services().reports().tasks(Actor.local(), Ref.parse(team)),
                        SettingsJson::task, HEADER, TasksCommand::row, "No tasks in team " + team
                                + " yet: create one with `entourage tasks create --title TEXT`.");
            }
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a task; prints it. Its cap is --budget, else a tag budget:<dollars>, else the "
                    + "team's default for its type.", "Example: entourage tasks create --title 'Fix typo' "
                    + "--type bugfix --tag budget:0.50 --json"})
    static final class Create implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--title", required = true, paramLabel = "TEXT", description = "What the task is.")
        String title;

        @Option(names = "--team", paramLabel = "NAME", defaultValue = "default",
                description = "The team (default: ${DEFAULT-VALUE}).")
        String team;

        @Option(names = "--priority", paramLabel = "P", description = "e.g. low, normal, high.")
        String priority;

        @Option(names = "--type", paramLabel = "TYPE", description = "Task type, e.g. bugfix, feature.")
        String type;

        @Option(names = "--tag", paramLabel = "TAG", description = "A tag; repeat for several. budget:0.50 caps it.")
        List<String> tags = new ArrayList<>();

        @Option(names = "--budget", paramLabel = "USD", description = "The task's cap in dollars.")
        String budget;

        @Option(names = "--json", description = "Print the task as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Long cap = budget == null ? null : Money.parseDollars(budget, "--budget", Money.MAX_REPORTED_MICROS);
            try (Ledger ledger = store.open()) {
                Task task = ledger.services().settings().createTask(Actor.local(), Ref.parse(team),
                        new NewTask(title, priority, type, tags, cap));
                if (json) {
                    Output.json(SettingsJson.task(task));
                } else {
                    Output.table(List.of("id", "title", "type", "budget", "tags"),
                            List.of(List.of(Long.toString(task.id()), task.title(), Output.text(task.taskType()),
                                    Output.dollars(task.budgetMicros()), String.join(" ", task.tags()))));
                }
            }
            return 0;
        }
    }
}
