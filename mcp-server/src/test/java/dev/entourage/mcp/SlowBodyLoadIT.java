package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow-body attack on a real {@code entourage serve}: 200 unauthenticated sockets each announce a 1 MB body and
 * trickle one byte every 10 s for 40 s (reconnecting when the bridge closes them), while {@code /healthz} and an
 * agent's {@code check_budget} over {@code /mcp} are timed every 200 ms (95% within 100 ms, none over 1 s). The
 * figures go to this class's output in {@code target/failsafe-reports}.
 */
class SlowBodyLoadIT {
    private static final int SOCKETS = 200;
    private static final Duration LOAD = Duration.ofSeconds(40);
    private static final Duration TRICKLE = Duration.ofSeconds(10);
    private static final long BOUND_MILLIS = 100;
    /** Room for the probes (5 a second); the attack, from one address, runs into it and is answered 429. */
    private static final int RATE_LIMIT_RPM = 600;
    private static final List<String> PATHS = List.of("/api/v1/agents/eng-1/sessions", "/mcp", "/healthz",
            "/api/v1/auth/login");

    @TempDir
    Path dir;

    private Process serve;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        sockets.forEach(SlowBodyLoadIT::closeQuietly);
        if (serve != null) {
            serve.destroyForcibly();
        }
    }

    @Test
    void slowUnauthenticatedBodiesDoNotStarveHealthOrBudgetChecks() throws Exception {
        Path db = dir.resolve("ledger.db");
        Cli cli = new Cli(db);
        cli.ok("init");
        String key = LedgerContract.parse(cli.output("keys", "create", "--role", "agent", "--agent", "eng-1",
                "--json")).path("key").asText();
        int port = startServe(db);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(5)).build();
        McpSyncClient mcp = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                        .endpoint("/mcp").jsonMapper(new JacksonMcpJsonMapper(McpClientDoor.MAPPER))
                        .requestBuilder(HttpRequest.newBuilder().header("X-API-Key", key)).build())
                .requestTimeout(Duration.ofSeconds(5)).initializationTimeout(Duration.ofSeconds(30)).build();
        try {
            mcp.initialize();
            McpSchema.CallToolRequest checkBudget = McpSchema.CallToolRequest.builder("check_budget")
                    .arguments(Map.of()).build();
            for (int i = 0; i < 20; i++) {
                http.send(health, HttpResponse.BodyHandlers.ofString());
                mcp.callTool(checkBudget);
            }

            Attacker attacker = new Attacker(port);
            attacker.start();
            List<Long> healthMillis = new ArrayList<>();
            List<Long> budgetMillis = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            long end = System.nanoTime() + LOAD.toNanos();
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                try {
                    int status = http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode();
                    if (status != 200) {
                        failures.add("/healthz answered " + status);
                    }
                } catch (IOException e) {
                    failures.add("/healthz: " + e);
                }
                long t1 = System.nanoTime();
                try {
                    if (Boolean.TRUE.equals(mcp.callTool(checkBudget).isError())) {
                        failures.add("check_budget answered an error");
                    }
                } catch (RuntimeException e) {
                    failures.add("check_budget: " + e);
                }
                long t2 = System.nanoTime();
                healthMillis.add(TimeUnit.NANOSECONDS.toMillis(t1 - t0));
                budgetMillis.add(TimeUnit.NANOSECONDS.toMillis(t2 - t1));
                Thread.sleep(200);
            }
            attacker.interrupt();
            attacker.join(TRICKLE.toMillis() * 2);

            String figures = "slow-body load: " + SOCKETS + " sockets for " + LOAD.toSeconds() + " s, "
                    + attacker.opened.get() + " connections opened, " + attacker.closedByBridge.get()
                    + " closed by the bridge; /healthz " + summary(healthMillis) + "; check_budget "
                    + summary(budgetMillis);
            System.out.println(figures);
            assertThat(failures).as(figures).isEmpty();
            assertThat(attacker.opened.get()).as("the attack ran").isGreaterThanOrEqualTo(SOCKETS);
            assertThat(percentile(healthMillis, 95)).as(figures).isLessThan(BOUND_MILLIS);
            assertThat(percentile(budgetMillis, 95)).as(figures).isLessThan(BOUND_MILLIS);
            assertThat(Collections.max(healthMillis)).as(figures).isLessThan(10 * BOUND_MILLIS);
            assertThat(Collections.max(budgetMillis)).as(figures).isLessThan(10 * BOUND_MILLIS);
        } finally {
            mcp.closeGracefully();
        }
    }

    /** Keeps {@value #SOCKETS} slow-body requests open, one byte per socket every {@link #TRICKLE}. */
    private final class Attacker extends Thread {
        private final int port;
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closedByBridge = new AtomicInteger();

        Attacker(int port) {
            super("slow-body-attacker");
            this.port = port;
            setDaemon(true);
        }

        @Override
        public void run() {
            Socket[] mine = new Socket[SOCKETS];
            try {
                while (!isInterrupted()) {
                    for (int i = 0; i < SOCKETS; i++) {
                        mine[i] = trickle(mine[i], i);
                    }
                    Thread.sleep(TRICKLE.toMillis());
                }
            } catch (InterruptedException e) {
                // the load is over
            } finally {
                for (Socket socket : mine) {
                    closeQuietly(socket);
                }
            }
        }

        private Socket trickle(Socket socket, int i) {
            if (socket != null) {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write('x');
                    out.flush();
                    if (socket.getInputStream().available() == 0) {
                        return socket;
                    }
                } catch (IOException e) {
                    // closed by the bridge
                }
                closedByBridge.incrementAndGet();
                closeQuietly(socket);
            }
            try {
                Socket fresh = new Socket();
                fresh.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                sockets.add(fresh);
                String head = "POST " + PATHS.get(i % PATHS.size()) + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream"
                        + "\r\nContent-Length: 1000000\r\n\r\n{";
                fresh.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                fresh.getOutputStream().flush();
                opened.incrementAndGet();
                return fresh;
            } catch (IOException e) {
                return null;
            }
        }
    }

    private int startServe(Path db) throws Exception {
        int port = ServeProcess.freePort();
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", Sidecar.jar(), "serve", "--port",
                Integer.toString(port), "--db", db.toString())
                .redirectOutput(dir.resolve("serve.log").toFile()).redirectErrorStream(true);
        builder.environment().put("OPENCLAW_RATE_LIMIT_RPM", Integer.toString(RATE_LIMIT_RPM));
        serve = builder.start();
        return ServeProcess.awaitHealthy(port);
    }

    private static long percentile(List<Long> millis, int p) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    private static String summary(List<Long> millis) {
        return millis.size() + " probes, median " + percentile(millis, 50) + " ms, p95 " + percentile(millis, 95)
                + " ms, max " + Collections.max(millis) + " ms";
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
