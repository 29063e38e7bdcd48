package dev.entourage.cli;

import dev.entourage.cli.install.InstallCommand;
import dev.entourage.cli.install.RunCommand;
import dev.entourage.cli.install.UninstallCommand;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code entourage} command and its exit codes: 0 ok, 1 failure, 2 usage error. */
@Command(name = "entourage", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Keeps AI agents from burning money unseen: sessions, usage, budgets and kill switches.",
        subcommands = {ServeCommand.class, McpCommand.class, InitCommand.class, TeamsCommand.class, AgentsCommand.class,
                TasksCommand.class, BudgetCommand.class, SessionsCommand.class, CostsCommand.class, PricesCommand.class,
                KeysCommand.class, UsersCommand.class, KillCommand.class, DoctorCommand.class, BackupCommand.class,
                MigrateCommand.class,
                HookCommand.class, InstallCommand.class,
                UninstallCommand.class, RunCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Every command takes --db PATH (env ENTOURAGE_DB; default $ENTOURAGE_HOME/entourage.db, else",
                "~/.entourage/entourage.db). Only init (and serve or mcp with --create) creates a ledger.",
                "Exit codes: 0 ok, 1 failure, 2 usage error."})
public final class EntourageCommand implements Runnable {
    static final int FAILURE = 1;
    static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: say what to do.");
    }

    /** Runs the command line in this process's environment and returns its exit code. */
    public static int execute(String... args) {
        return execute(System.getenv(), args);
    }

    /** Runs the command line with {@code env} as its environment ({@code ENTOURAGE_DB}, {@code HOME}, …). */
    public static int execute(Map<String, String> env, String... args) {
        return new CommandLine(new EntourageCommand(), new Factory(env))
                .setExecutionExceptionHandler(EntourageCommand::failed)
                .setParameterExceptionHandler(EntourageCommand::misused)
                .execute(args);
    }

    /** A usage error: one line saying what is wrong and a hint where the help is, never the whole help. */
    private static int misused(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        java.io.PrintWriter err = command.getErr();
        err.println("entourage: " + e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            err.println("Did you mean: " + String.join(", ", unmatched.getSuggestions()) + "?");
        }
        err.println("Try '" + name + " --help' for more.");
        err.flush();
        return USAGE;
    }

    /** Makes the options that read the environment with the given one; everything else as picocli does. */
    private static final class Factory implements CommandLine.IFactory {
        private final Map<String, String> env;
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        Factory(Map<String, String> env) {
            this.env = Map.copyOf(env);
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == StoreOptions.class) {
                return type.cast(new StoreOptions(env));
            }
            if (type == ServeCommand.class) {
                return type.cast(new ServeCommand(env));
            }
            if (type == MigrateCommand.class) {
                return type.cast(new MigrateCommand(env));
            }
            return fallback.create(type);
        }
    }

    private static int failed(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (e instanceof LedgerException ledger) {
            commandLine.getErr().println("entourage: " + ledger.getMessage());
            return exitCode(ledger.code());
        }
        commandLine.getErr().println("entourage: internal error (" + e.getClass().getSimpleName()
                + "); nothing more was written.");
        org.slf4j.LoggerFactory.getLogger(EntourageCommand.class).debug("Command failed", e);
        return FAILURE;
    }

    static int exitCode(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST -> USAGE;
            case UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, IDEMPOTENCY_MISMATCH, BUDGET_EXCEEDED, RATE_LIMITED,
                    PAYLOAD_TOO_LARGE, STORAGE_UNAVAILABLE, INTERNAL -> FAILURE;
        };
    }
}
