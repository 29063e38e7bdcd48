package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Team;
import dev.entourage.mcp.Caller;
import dev.entourage.mcp.StdioSidecar;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code entourage mcp}: the stdio MCP sidecar, bound to one agent. */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"Run the MCP server on stdio for one agent. Your MCP client (Claude Code, Claude Desktop, ...)"
                + " starts it; it exposes start_session, report_usage, check_budget, end_session and claude_code_hook.",
                "stdout carries only MCP messages; logs go to stderr. It exits when stdin closes."})
final class McpCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--prices", paramLabel = "FILE",
            description = "A price table (CSV, see `entourage prices --help`) replacing the bundled one.")
    java.nio.file.Path prices;

    @Option(names = "--agent", paramLabel = "NAME", defaultValue = "${env:ENTOURAGE_AGENT:-local}",
            description = "The agent this sidecar acts for, created on first use (env ENTOURAGE_AGENT; "
                    + "default: ${DEFAULT-VALUE}).")
    String agent;

    @Option(names = "--team", paramLabel = "NAME", defaultValue = "${env:ENTOURAGE_TEAM:-default}",
            description = "The team a new agent joins (env ENTOURAGE_TEAM; default: ${DEFAULT-VALUE}).")
    String team;

    @Option(names = "--task", paramLabel = "ID", defaultValue = "${env:ENTOURAGE_TASK}",
            description = "Default task for start_session (env ENTOURAGE_TASK).")
    Long task;

    @Option(names = "--model", paramLabel = "ID", defaultValue = "${env:ENTOURAGE_MODEL}",
            description = "Default model for start_session, used for pricing (env ENTOURAGE_MODEL).")
    String model;

    @Option(names = "--claude-code-session", paramLabel = "ID", defaultValue = "${env:CLAUDE_CODE_SESSION_ID}",
            description = "Claude Code's session id (env CLAUDE_CODE_SESSION_ID, which Claude Code sets for the MCP "
                    + "servers it starts): start_session then joins that session, so the tools, the hooks and the "
                    + "captured telemetry land in one Entourage session.")
    String claudeCodeSession;

    @Option(names = "--create", description = "Create the ledger if it does not exist (without it, only the "
            + "default path is created on first use; a missing --db or ENTOURAGE_DB is refused).")
    boolean create;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream stdout = System.out;
        System.setOut(System.err);
        store.prices = prices;
        try (Ledger ledger = store.openForService(create)) {
            Agent bound = ledger.services().settings().ensureAgent(Actor.local(), agent, Ref.parse(team));
            Team agentTeam = ledger.services().settings().team(Actor.local(), Ref.id(bound.teamId()));
            if (!agentTeam.name().equals(team)) {
                LoggerFactory.getLogger(McpCommand.class).warn("Agent {} belongs to team {}, not {}; using {}",
                        bound.name(), agentTeam.name(), team, agentTeam.name());
            }
            LoggerFactory.getLogger(McpCommand.class).info("Entourage {} sidecar for agent {} of team {} on the "
                    + "ledger {} (from {})", Version.VERSION, bound.name(), agentTeam.name(),
                    ledger.admin().location(), store.location().source());
            if (task != null) {
                ledger.services().settings().task(Actor.local(), task);
            }
            String projectDir = System.getenv("CLAUDE_PROJECT_DIR");
            Caller caller = new Caller(bound, task, model).boundTo(claudeCodeSession,
                    projectDir != null ? projectDir : System.getProperty("user.dir"));
            if (caller.claudeCodeSessionId() != null) {
                LoggerFactory.getLogger(McpCommand.class).info("Bound to Claude Code session {}",
                        caller.claudeCodeSessionId());
            }
            StdioSidecar.serve(ledger.services(), caller, System.in, stdout, Version.VERSION);
        }
        return 0;
    }
}
