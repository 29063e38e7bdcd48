import dev.entourage.app.Ledger;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReport;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fills a ledger for bench/hook_latency.py: {@code java -cp entourage.jar bench/HookBenchFill.java DB AGENT EVENTS
 * SESSIONS THREADS} opens SESSIONS sessions of AGENT and records EVENTS usage reports over them through the ledger's
 * own services (the same code path as report_usage, committed in groups by the store's writer), from THREADS
 * threads. Prints one line: events, seconds.
 */
public final class HookBenchFill {
    public static void main(String[] args) throws Exception {
        String db = args[0];
        String agent = args[1];
        long events = Long.parseLong(args[2]);
        int sessionCount = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        try (Ledger ledger = Ledger.open(db, null, Clock.systemUTC())) {
            var services = ledger.services();
            services.settings().ensureAgent(Actor.local(), agent, Ref.name("default"));
            List<Long> sessions = new ArrayList<>();
            for (int i = 0; i < sessionCount; i++) {
                sessions.add(services.sessions().start(Actor.local(), Ref.name(agent), null,
                        "claude-sonnet-4-20250514").session().id());
            }
            AtomicLong next = new AtomicLong();
            TokenCounts tokens = new TokenCounts(1200, 300, 0, 0, 0);
            long start = System.nanoTime();
            List<Thread> pool = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    for (long n; (n = next.getAndIncrement()) < events; ) {
                        long session = sessions.get((int) (n % sessions.size()));
                        services.usage().report(Actor.local(), new UsageReport(session, tokens, 100L, null,
                                "fill-" + n));
                    }
                });
                thread.start();
                pool.add(thread);
            }
            for (Thread thread : pool) {
                thread.join();
            }
            System.out.println(events + " " + (System.nanoTime() - start) / 1e9);
        }
    }
}
