package dev.entourage.cli.install;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.app.Ledger;
import dev.entourage.cli.StoreOptions;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Budget;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage run -- claude -p …}: an unattended Claude Code run under Entourage's budget, stopped on "stop". */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run Claude Code unattended under Entourage: registers the session first (its id is passed "
                + "as --session-id), refuses to start when the agent is over budget (exit 1), passes "
                + "--max-budget-usd (what is left, cents rounded down; only when a limit applies) and --settings "
                + "(telemetry to the bridge and the hooks), streams the output through, and checks the ledger "
                + "every second: when the session is killed or over budget it stops the child (SIGTERM, then "
                + "SIGKILL after --grace) and exits " + RunCommand.STOPPED + " with the reason on stderr. "
                + "Otherwise it exits with the child's exit code.",
                "Only Claude Code (`claude`) is run: Codex and Gemini choose their own session ids, so use "
                + "`entourage install codex|gemini` for them.",
                "Example: entourage run --agent ci-bot --task nightly -- claude -p \"fix the failing test\""})
public final class RunCommand implements Callable<Integer> {
    /** The exit code when Entourage stopped the child. */
    static final int STOPPED = 3;
    private static final List<String> OURS = List.of("--session-id", "--settings", "--max-budget-usd");

    @Mixin
    StoreOptions store;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--team", paramLabel = "NAME", defaultValue = "default",
            description = "The team a new agent joins (default: ${DEFAULT-VALUE}).")
    String team;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long a stopped child may take to exit before it is killed (default: ${DEFAULT-VALUE}).")
    int grace;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "After `--`: claude and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        check();
        Connection target = connection.resolve(store);
        try (Ledger ledger = store.open()) {
            LedgerServices services = ledger.services();
            Actor local = Actor.local();
            Agent agent = services.settings().ensureAgent(local, target.agent(), Ref.parse(team));
            Ref agentRef = Ref.id(agent.id());
            Budget now = services.budgets().check(local, agentRef, null, null);
            if (now.overBudget()) {
                return refused(agent.name() + " is over budget: " + BudgetText.reason(now));
            }
            String id = UUID.randomUUID().toString();
            String cwd = Path.of("").toAbsolutePath().toString();
            Session session = services.sessions().openExternal(local, new CaptureOrigin(CaptureSource.CLAUDE_CODE,
                    id, Ref.name(agent.name()), target.task()), cwd, Git.branch(cwd));
            Budget budget = services.budgets().check(local, agentRef, session.taskId(), session.id());
            Long left = BudgetText.left(budget);
            if (budget.overBudget() || left != null && left < 10_000) {
                services.sessions().end(local, session.id());
                return refused(agent.name() + " is over budget: " + (budget.overBudget() ? BudgetText.reason(budget)
                        : "less than a cent is left"));
            }
            Map<String, String> telemetry = ClaudeCodeSettings.telemetry(target);
            try (RunSettings settings = RunSettings.write(settings(target, telemetry))) {
                List<String> argv = new ArrayList<>(List.of(command.get(0), "--session-id", id));
                if (left != null) {
                    argv.addAll(List.of("--max-budget-usd", BudgetText.dollarsDown(left)));
                }
                argv.addAll(List.of("--settings", settings.path().toString()));
                argv.addAll(command.subList(1, command.size()));
                Map<String, String> env = new HashMap<>(store.env());
                env.putAll(telemetry);
                if (!Bridge.answers(target.url())) {
                    System.err.println("entourage: the bridge at " + target.url() + " does not answer (start it with "
                            + "`entourage serve`): Claude Code's usage is not captured meanwhile, so only "
                            + "--max-budget-usd and a kill stop it");
                }
                System.err.println("entourage: session " + session.id() + " (" + id + ") for " + agent.name()
                        + (left == null ? "" : ", " + BudgetText.dollarsDown(left) + " USD left"));
                Supervisor.Outcome outcome = new Supervisor(argv, env, Duration.ofSeconds(1),
                        Duration.ofSeconds(Math.max(0, grace))).run(() -> mustStop(services, agentRef, session),
                        System.out, System.err);
                end(services, session);
                if (outcome.stoppedFor() != null) {
                    System.err.println("entourage: stopped " + command.get(0) + ": " + outcome.stoppedFor());
                    return STOPPED;
                }
                return outcome.exitCode();
            }
        }
    }

    private void check() {
        String program = Path.of(command.get(0)).getFileName().toString();
        if (!program.equals("claude") && !program.equals("claude.exe")) {
            throw LedgerException.invalid("command", "entourage run starts Claude Code (`claude`), not " + program
                    + ": Codex and Gemini pick their own session ids; set them up with `entourage install codex` "
                    + "or `entourage install gemini` instead");
        }
        for (String arg : command) {
            if (OURS.contains(arg) || OURS.stream().anyMatch(flag -> arg.startsWith(flag + "="))) {
                throw LedgerException.invalid("command", "entourage run passes " + String.join(", ", OURS)
                        + " itself; leave " + arg + " out");
            }
        }
    }

    private static ObjectNode settings(Connection target, Map<String, String> telemetry) {
        ObjectNode settings = JsonText.object();
        ObjectNode env = settings.putObject("env");
        telemetry.forEach(env::put);
        ObjectNode hooks = settings.putObject("hooks");
        ClaudeCodeSettings.hooks(target, List.of("entourage"), false).forEach((event, handler) -> {
            if (!event.equals("SessionStart")) {
                ObjectNode group = hooks.putArray(event).addObject();
                if (event.equals("PreToolUse")) {
                    group.put("matcher", "*");
                }
                group.putArray("hooks").add(handler);
            }
        });
        return settings;
    }

    private static Optional<String> mustStop(LedgerServices services, Ref agent, Session session) {
        try {
            Budget budget = services.budgets().check(Actor.local(), agent, session.taskId(), session.id());
            return budget.overBudget() ? Optional.of(BudgetText.reason(budget)) : Optional.empty();
        } catch (LedgerException e) {
            LoggerFactory.getLogger(RunCommand.class).warn("Could not read the budget ({}); checking again in a "
                    + "second", e.code().wireName());
            return Optional.empty();
        }
    }

    private static void end(LedgerServices services, Session session) {
        try {
            services.sessions().end(Actor.local(), session.id());
        } catch (LedgerException e) {
            LoggerFactory.getLogger(RunCommand.class).warn("Could not end session {} ({})", session.id(),
                    e.code().wireName());
        }
    }

    private static int refused(String reason) {
        System.err.println("entourage: not starting: " + reason);
        return 1;
    }
}
