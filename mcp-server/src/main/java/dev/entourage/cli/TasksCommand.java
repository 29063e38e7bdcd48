package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.http.json.SettingsJson;
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
        subcommands = TasksCommand.Create.class)
final class TasksCommand {

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
