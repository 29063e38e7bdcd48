package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several sidecar processes on one database file lose nothing. */
class ConcurrentSidecarsIT {
    private static final int SIDECARS = 2;
    /** The SDK's sync client sends from one thread at a time, as an agent does. */
    private static final int THREADS_PER_SIDECAR = 1;
    private static final int REPORTS_PER_THREAD = 500;

    @TempDir
    Path dir;

    @Test
    void twoSidecarsReportingConcurrentlyLoseNothing() throws Exception {
        Path db = dir.resolve("ledger.db");
        new Cli(db).ok("init");
        List<Sidecar> sidecars = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(SIDECARS * THREADS_PER_SIDECAR);
        try {
            for (int i = 0; i < SIDECARS; i++) {
                Sidecar sidecar = new Sidecar(db, "agent-" + i);
                sidecar.call("start_session", Map.of());
                sidecars.add(sidecar);
            }
            List<Future<BigDecimal>> acknowledged = new ArrayList<>();
            for (Sidecar sidecar : sidecars) {
                for (int t = 0; t < THREADS_PER_SIDECAR; t++) {
                    int thread = t;
                    acknowledged.add(pool.submit(() -> report(sidecar, thread)));
                }
            }
            BigDecimal sum = BigDecimal.ZERO;
            for (Future<BigDecimal> future : acknowledged) {
                sum = sum.add(future.get());
            }

            ToolAnswer budget = sidecars.get(0).call("check_budget", Map.of());
            assertThat(LedgerContract.dollars(budget.structured().path("team_daily_spent_usd")))
                    .isEqualByComparingTo(sum);
            long tokens = 0;
            for (Sidecar sidecar : sidecars) {
                tokens += sidecar.call("end_session", Map.of()).structured().path("input_tokens").asLong();
            }
            assertThat(tokens).isEqualTo((long) SIDECARS * THREADS_PER_SIDECAR * REPORTS_PER_THREAD * 7);
        } finally {
            pool.shutdownNow();
            sidecars.forEach(Sidecar::close);
        }
    }

    private static BigDecimal report(Sidecar sidecar, int thread) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < REPORTS_PER_THREAD; i++) {
            BigDecimal cost = new BigDecimal("0.000" + (100 + thread * 7 + i));
            ToolAnswer answer = sidecar.call("report_usage",
                    Map.of("input_tokens", 7, "output_tokens", 3, "cost_usd", cost));
            assertThat(answer.isError()).as(answer.text()).isFalse();
            sum = sum.add(LedgerContract.dollars(answer.structured().path("cost_usd")));
        }
        return sum;
    }
}
