package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SessionPage;
import dev.entourage.ledger.SessionQuery;
import dev.entourage.ledger.SessionStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage sessions AGENT} or {@code --all}: sessions, newest first. */
@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = "List an agent's sessions (or with --all every agent's), newest first, with tokens and cost.")
final class SessionsCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "AGENT", arity = "0..1", description = "The agent's name or id.")
    String agent;

    @Option(names = "--all", description = "Every agent's sessions (of --team), instead of one agent's.")
    boolean all;

    @Option(names = "--team", paramLabel = "NAME", defaultValue = "default",
            description = "With --all: the team (default: ${DEFAULT-VALUE}).")
    String team;

    @Option(names = "--status", paramLabel = "active|ended|killed", description = "Only sessions in this state.")
    String status;

    @Option(names = "--task", paramLabel = "ID", description = "Only sessions on this task.")
    Long task;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "At most N (default: ${DEFAULT-VALUE}; 1 to 500 without --all).")
    int limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Without --all: the page after the one whose "
            + "next_cursor (--format json) this is.")
    String cursor;

    @Mixin
    ListFormat listing;

    @Override
    public Integer call() {
        if (all == (agent != null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "name one AGENT, or --all for every agent's sessions");
        }
        SessionStatus state = status == null ? null : SessionStatus.fromWire(status);
        try (Ledger ledger = store.open()) {
            if (all) {
                print(ledger.services().sessions().listTeam(Actor.local(), Ref.parse(team),
                        new SessionQuery(state, task, limit)), null, Clock.systemUTC());
            } else {
                SessionPage page = ledger.services().sessions().page(Actor.local(), Ref.parse(agent), state, task,
                        cursor, limit);
                print(page.sessions(), page.nextCursor(), Clock.systemUTC());
            }
        }
        return 0;
    }

    private void print(List<Session> sessions, String nextCursor, Clock clock) {
        if (listing.format == Format.json) {
            Output.json(new LedgerJson(clock).sessionPage(new SessionPage(sessions, nextCursor)));
            return;
        }
        Instant now = clock.instant();
        List<List<String>> rows = new ArrayList<>();
        long tokens = 0;
        long cost = 0;
        for (Session s : sessions) {
            List<String> row = new ArrayList<>(all ? List.of(s.agentName()) : List.of());
            row.addAll(List.of(Long.toString(s.id()), s.status().wireName(), Output.text(s.taskId()), Output.text(s.model()),
                    s.startedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                    Long.toString(s.durationMinutes(now)), Long.toString(s.totals().totalTokens()),
                    listing.format == Format.csv ? Money.toDollars(s.totals().costMicros()).toPlainString()
                            : Output.dollars(s.totals().costMicros()),
                    Output.text(s.stopReason()), Output.text(s.stopDetail())));
            rows.add(row);
            tokens += s.totals().totalTokens();
            cost += s.totals().costMicros();
        }
        List<String> header = new ArrayList<>(all ? List.of("agent") : List.of());
        header.addAll(List.of("id", "status", "task", "model", "started_at", "minutes", "tokens", "cost_usd",
                "stop_reason", "stop_detail"));
        if (listing.format == Format.csv) {
            Output.csv(header, rows);
            return;
        }
        if (sessions.isEmpty()) {
            Output.out().println(all ? "No sessions in team " + team + "." : "No sessions for " + agent + ".");
            return;
        }
        List<String> total = new ArrayList<>(all ? List.of("total", "") : List.of("total"));
        total.addAll(List.of("", "", "", "", "", Long.toString(tokens), Output.dollars(cost), "", ""));
        rows.add(total);
        Output.table(header, rows);
    }
}
