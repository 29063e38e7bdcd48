package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Session;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage kill SESSION}: the kill switch for one session. */
@Command(name = "kill", mixinStandardHelpOptions = true,
        description = {"Kill a session: from now on every answer for it says \"action\": \"stop\" (stop_reason "
                + "killed). Usage reported after the kill is still recorded.",
                "To stop an agent or a whole team instead: agents set NAME --paused true, teams set NAME --paused true."})
final class KillCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(paramLabel = "SESSION", description = "The session's id.")
    long session;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the log.")
    String reason;

    @Option(names = "--json", description = "Print the session as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Ledger ledger = store.open()) {
            Session killed = ledger.services().sessions().kill(Actor.local(), session, reason);
            if (json) {
                Output.json(new LedgerJson(Clock.systemUTC()).session(killed));
            } else {
                Output.out().println("Session " + killed.id() + " of " + killed.agentName() + " is "
                        + killed.status().wireName() + "; it cost " + Output.dollars(killed.totals().costMicros()) + ".");
            }
        }
        return 0;
    }
}
