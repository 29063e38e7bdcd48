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
 * SESSIONS THREADS [CALLS]} opens SESSIONS sessions of AGENT and records EVENTS usage reports over them through the ledger's
 * own services (the same code path as report_usage, committed in groups by the store's writer), from THREADS
 * threads. Prints one line: events, seconds, and with CALLS the p50 and p99 (ms) of that many PreToolUse decisions
 * made in process right after ({@code HookService.decide} on a session of AGENT, no HTTP).
 */
public final class HookBenchFill {
    /**
     * p50 and p99 (ms) of {@code calls} PreToolUse decisions made in process ({@code HookService.decide}, no HTTP),
     * after as many untimed ones.
     */
    static String decideTimings(dev.entourage.ledger.LedgerServices services, String agent, int calls) {
        var origin = new dev.entourage.ledger.capture.CaptureOrigin(
                dev.entourage.ledger.capture.CaptureSource.CLAUDE_CODE, "bench-in-process", Ref.name(agent), null);
        var request = new dev.entourage.ledger.capture.HookRequest(origin,
                dev.entourage.ledger.capture.HookEvent.PRE_TOOL_USE, "Bash", "0".repeat(64), null, null);
        long[] timings = new long[calls];
        for (int i = 0; i < 2 * calls; i++) {
            long t0 = System.nanoTime();
            services.hooks().decide(Actor.local(), request);
            if (i >= calls) {
                timings[i - calls] = System.nanoTime() - t0;
            }
        }
        java.util.Arrays.sort(timings);
        return timings[calls / 2] / 1e6 + " " + timings[Math.min(calls - 1, (int) Math.ceil(calls * 0.99) - 1)] / 1e6;
    }

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
            double seconds = (System.nanoTime() - start) / 1e9;
            int calls = args.length > 5 ? Integer.parseInt(args[5]) : 0;
            String inProcess = calls == 0 ? "" : " " + decideTimings(services, agent, calls);
            System.out.println(events + " " + seconds + inProcess);
        }
    }
}
