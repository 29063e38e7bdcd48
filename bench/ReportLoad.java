import dev.entourage.app.Ledger;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * report_usage through the ledger's own services, in process (no HTTP), to weigh the store's write path alone:
 * {@code java -cp entourage.jar bench/ReportLoad.java DB THREADS SECONDS [POSTMASTER_PID]}. THREADS threads report
 * {@code {"input_tokens":1200,"output_tokens":300}} on one session of agent {@code bench} (as
 * bench/http_load.sh's report_usage does) for SECONDS after as long a warm-up. Prints reports/s, the CPU per report
 * of this JVM and of its writer thread, and with POSTMASTER_PID (PostgreSQL's, first line of postmaster.pid) the
 * CPU per report of that server's processes (its backends, WAL writer, …) from /proc.
 */
public final class ReportLoad {
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ 100

    public static void main(String[] args) throws Exception {
        String db = args[0];
        int threads = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        Long postmaster = args.length > 3 ? Long.parseLong(args[3]) : null;
        try (Ledger ledger = Ledger.open(db, null, Clock.systemUTC())) {
            var services = ledger.services();
            services.settings().ensureAgent(Actor.local(), "bench", Ref.name("default"));
            long session = services.sessions().start(Actor.local(), Ref.name("bench"), null,
                    "claude-sonnet-4-20250514").session().id();
            TokenCounts tokens = new TokenCounts(1200, 300, 0, 0, 0);
            AtomicLong reports = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> pool = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        services.usage().report(Actor.local(), new UsageReport(session, tokens, null, null, null));
                        reports.incrementAndGet();
                    }
                });
                thread.start();
                pool.add(thread);
            }
            Thread.sleep(seconds * 1000L);
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long r0 = reports.get(), t0 = System.nanoTime(), cpu0 = os.getProcessCpuTime(), w0 = writerCpu(mx);
            long pg0 = postmaster == null ? 0 : serverTicks(postmaster);
            String load0 = Files.readString(Path.of("/proc/loadavg")).trim();
            Thread.sleep(seconds * 1000L);
            long r1 = reports.get(), t1 = System.nanoTime(), cpu1 = os.getProcessCpuTime(), w1 = writerCpu(mx);
            long pg1 = postmaster == null ? 0 : serverTicks(postmaster);
            String load1 = Files.readString(Path.of("/proc/loadavg")).trim();
            stop.set(true);
            for (Thread thread : pool) {
                thread.join();
            }
            long n = r1 - r0;
            System.out.printf("%d threads, %d s: %.0f reports/s; CPU per report: JVM %.0f µs, writer thread %.0f µs%s;"
                            + " load %s -> %s%n", threads, seconds, n * 1e9 / (t1 - t0), (cpu1 - cpu0) / 1e3 / n,
                    (w1 - w0) / 1e3 / n, postmaster == null ? ""
                            : String.format(", PostgreSQL %.0f µs", (pg1 - pg0) * (double) TICK_NANOS / 1e3 / n),
                    load0, load1);
        }
    }

    private static long writerCpu(ThreadMXBean mx) {
        long total = 0;
        for (ThreadInfo info : mx.dumpAllThreads(false, false)) {
            if (info.getThreadName().contains("writer")) {
                total += mx.getThreadCpuTime(info.getThreadId());
            }
        }
        return total;
    }

    /** utime + stime of the postmaster's children (backends, WAL writer, checkpointer…), in clock ticks. */
    private static long serverTicks(long postmaster) throws Exception {
        long total = 0;
        Path children = Path.of("/proc/" + postmaster + "/task/" + postmaster + "/children");
        for (String pid : Files.readString(children).trim().split("\\s+")) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (java.io.IOException gone) {
                // a backend that ended meanwhile
            }
        }
        return total;
    }
}
