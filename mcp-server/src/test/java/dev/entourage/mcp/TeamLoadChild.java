package dev.entourage.mcp;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import dev.entourage.app.Ledger;
import dev.entourage.ledger.Budget;
import dev.entourage.ledger.BudgetExceededException;
import dev.entourage.ledger.HoldReceipt;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Scope;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReceipt;
import dev.entourage.ledger.UsageReport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The child process of {@link TeamConcurrencyIT}: opens the ledger, starts one session per thread for agents
 * {@code <prefix>-0..n-1} (created by the parent), prints {@code READY}, waits for a line on stdin, then runs its
 * threads against the ledger and prints one line per answer (see {@link TeamConcurrencyIT} for the format), then
 * {@code DONE}. Arguments: {@code db prefix threads reports mode} where mode is {@code plain} (check, then report)
 * or {@code holds} (reserve the exact cost, then report with the hold id).
 */
public final class TeamLoadChild {
    private TeamLoadChild() {
    }

    /** The cost of report {@code i} of thread {@code t}: varied, so that the sums are not trivial. */
    static long cost(String prefix, int t, int i) {
        return 1_000 + ((prefix.hashCode() & 0xff) + t * 7 + i * 3) % 13 * 100;
    }

    public static void main(String[] args) throws Exception {
        String db = args[0];
        String prefix = args[1];
        int threads = Integer.parseInt(args[2]);
        int reports = Integer.parseInt(args[3]);
        boolean holds = args[4].equals("holds");
        try (Ledger ledger = Ledger.open(db, null, Clock.systemUTC())) {
            LedgerServices service = ledger.services();
            long[] agents = new long[threads];
            long[] sessions = new long[threads];
            for (int t = 0; t < threads; t++) {
                agents[t] = service.settings().agent(Actor.local(), Ref.parse(prefix + "-" + t)).id();
                sessions[t] = service.sessions().start(Actor.local(), Ref.id(agents[t]), null, null).session().id();
            }
            System.out.println("READY");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();

            CountDownLatch done = new CountDownLatch(threads);
            List<List<String>> out = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<String> lines = new ArrayList<>();
                out.add(lines);
                int thread = t;
                Thread worker = new Thread(() -> {
                    try {
                        for (int i = 0; i < reports; i++) {
                            step(service, prefix, thread, i, agents[thread], sessions[thread], holds, lines);
                        }
                    } catch (RuntimeException e) {
                        lines.add("E " + thread + " " + e);
                    } finally {
                        done.countDown();
                    }
                }, prefix + "-" + t);
                worker.start();
            }
            done.await();
            StringBuilder all = new StringBuilder();
            for (List<String> lines : out) {
                lines.forEach(line -> all.append(line).append('\n'));
            }
            System.out.print(all);
            System.out.println("DONE");
            System.out.flush();
        }
    }

    private static void step(LedgerServices service, String prefix, int t, int i, long agent, long session,
                             boolean holds, List<String> lines) {
        String who = prefix + "-" + t;
        long cost = cost(prefix, t, i);
        String holdId = null;
        if (holds) {
            long start = System.nanoTime();
            try {
                HoldReceipt receipt = service.budgets().reserve(Actor.local(), Ref.id(agent), null, session, cost);
                holdId = receipt.hold().id();
            } catch (BudgetExceededException refused) {
                lines.add("X " + who + " " + start + " " + System.nanoTime() + " "
                        + refused.budget().teamDailySpent() + " " + refused.budget().teamDailyHeld());
                return;
            }
        } else {
            long start = System.nanoTime();
            Budget budget = service.budgets().check(Actor.local(), Ref.id(agent), null, session);
            long end = System.nanoTime();
            boolean teamTrips = budget.violations().stream().anyMatch(v -> v.scope() == Scope.TEAM_DAILY);
            lines.add("C " + who + " " + start + " " + end + " " + budget.teamDailySpent() + " "
                    + budget.teamDailyHeld() + " " + (budget.overBudget() ? 1 : 0) + " " + (teamTrips ? 1 : 0));
        }
        String eventId = who + "-" + i;
        UsageReport report = new UsageReport(session, new TokenCounts(10, 1, 0, 0, 0), cost, null, eventId, holdId);
        for (int attempt = 0; ; attempt++) {
            long start = System.nanoTime();
            try {
                UsageReceipt receipt = service.usage().report(Actor.local(), report);
                lines.add("R " + who + " " + start + " " + System.nanoTime() + " " + eventId + " "
                        + receipt.costMicros() + " " + receipt.action().name() + " " + receipt.budget().teamDailySpent()
                        + " " + receipt.duplicate());
                return;
            } catch (LedgerException e) {
                // not acknowledged: retried with the same event id, so it counts once whatever happened
                lines.add("W " + who + " " + eventId + " " + e.code() + " attempt " + attempt);
                if (attempt >= 20) {
                    throw e;
                }
            }
        }
    }
}
