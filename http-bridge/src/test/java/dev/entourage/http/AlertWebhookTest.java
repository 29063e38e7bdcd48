package dev.entourage.http;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.Change;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TeamSettings;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReport;
import dev.entourage.ledger.access.Role;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts end to end: recorded once per threshold per window, listed by REST, POSTed to a local receiver. */
class AlertWebhookTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TokenCounts TOKENS = new TokenCounts(100, 10, 0, 0, 0);
    private static final AlertDispatcher.Backoff FAST =
            new AlertDispatcher.Backoff(Duration.ofMillis(50), Duration.ofMillis(400), 10);

    @TempDir
    Path dir;

    private Harness h;
    private HttpServer receiver;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile int failFirst;
    private AlertDispatcher dispatcher;

    @BeforeEach
    void start() throws IOException {
        h = Harness.start(dir);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            if (refusals.get() < failFirst) {
                refusals.incrementAndGet();
                status = 503;
            } else {
                received.add(MAPPER.readTree(body));
                status = 200;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        h.close();
    }

    private String hook() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private long sessionOfAgentWithLimit(String name, long dailyLimitMicros) {
        Agent agent = h.ledger.settings().setAgent(Actor.local(), name, null, new AgentSettings(Change.to(dailyLimitMicros), Change.keep()));
        return h.ledger.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session().id();
    }

    private void report(long session, long micros) {
        h.ledger.usage().report(Actor.local(), new UsageReport(session, TOKENS, micros, null, null));
    }

    private void awaitReceived(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(received).hasSizeGreaterThanOrEqualTo(count);
    }

    @Test
    void settingsAndAlertsRouteAndOneEventPerThreshold() throws Exception {
        Harness.Answer patched = h.admin("PATCH", "/api/v1/settings/teams/default", "{\"alert_webhook_url\": \""
                + hook() + "\", \"alert_thresholds\": [50, 100], \"max_session_cost_per_minute_usd\": 2.5}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("alert_webhook_url").asText()).isEqualTo(hook());
        assertThat(patched.json().get("alert_thresholds").toString()).isEqualTo("[50,100]");
        assertThat(patched.json().get("max_session_cost_per_minute_usd").decimalValue())
                .isEqualByComparingTo("2.5");

        long session = sessionOfAgentWithLimit("eng-1", 1_000_000);
        for (int i = 0; i < 12; i++) {
            report(session, 100_000); // $0.10 each: crosses 50% once and 100% once, then stays over
        }
        dispatcher = new AlertDispatcher(h.ledger, FAST, Duration.ofMillis(20));
        dispatcher.start();
        awaitReceived(2);
        Thread.sleep(300);
        assertThat(received).hasSize(2);
        JsonNode first = received.get(0);
        assertThat(first.get("text").asText()).contains("eng-1").contains("50%");
        assertThat(first.get("team").asText()).isEqualTo("default");
        assertThat(first.get("scope").asText()).isEqualTo("agent_daily");
        assertThat(first.get("threshold_percent").asInt()).isEqualTo(50);
        assertThat(first.get("limit_usd").decimalValue()).isEqualByComparingTo("1.00");
        assertThat(first.get("spent_usd").decimalValue()).isEqualByComparingTo("0.50");
        assertThat(first.get("agent").asText()).isEqualTo("eng-1");
        assertThat(received.get(1).get("threshold_percent").asInt()).isEqualTo(100);

        Harness.Answer alerts = h.admin("GET", "/api/v1/teams/default/alerts", null);
        assertThat(alerts.status()).isEqualTo(200);
        JsonNode list = alerts.json().get("alerts");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("threshold_percent").asInt()).as("newest first").isEqualTo(100);
        assertThat(list.get(0).get("delivered_at").isNull()).isFalse();
        assertThat(list.get(0).get("attempts").asInt()).isEqualTo(1);

        assertThat(h.as(h.key(Role.VIEWER, null), "GET", "/api/v1/teams/default/alerts", null).status())
                .isEqualTo(200);
        assertThat(h.as(h.key(Role.AGENT, "eng-1"), "GET", "/api/v1/teams/default/alerts", null).status())
                .isEqualTo(403);
    }

    @Test
    void aReceiverDownAtFirstGetsEachEventOnceWhenItComesBack() throws Exception {
        h.admin("PATCH", "/api/v1/settings/teams/default", "{\"alert_webhook_url\": \"" + hook() + "\"}");
        failFirst = 3;
        long session = sessionOfAgentWithLimit("eng-2", 1_000_000);
        report(session, 850_000); // 80%
        dispatcher = new AlertDispatcher(h.ledger, FAST, Duration.ofMillis(20));
        dispatcher.start();
        awaitReceived(1);
        assertThat(refusals.get()).isEqualTo(3);
        report(session, 200_000); // 100%
        awaitReceived(2);
        Thread.sleep(300);
        assertThat(received).extracting(n -> n.get("threshold_percent").asInt()).containsExactly(80, 100);
        JsonNode list = h.admin("GET", "/api/v1/teams/default/alerts", null).json().get("alerts");
        assertThat(list.get(1).get("attempts").asInt()).isEqualTo(4);
    }

    @Test
    void aReceiverThatIsNotListeningIsRetriedLaterThenGivenUp() throws Exception {
        int port = receiver.getAddress().getPort();
        receiver.stop(0);
        receiver = null;
        h.admin("PATCH", "/api/v1/settings/teams/default", "{\"alert_webhook_url\": \"http://127.0.0.1:" + port
                + "/hook\"}");
        long session = sessionOfAgentWithLimit("eng-3", 1_000_000);
        report(session, 1_000_000);
        dispatcher = new AlertDispatcher(h.ledger, new AlertDispatcher.Backoff(Duration.ofMillis(10),
                Duration.ofMillis(40), 3), Duration.ofMillis(10));
        dispatcher.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode list;
        do {
            Thread.sleep(50);
            list = h.admin("GET", "/api/v1/teams/default/alerts", null).json().get("alerts");
        } while ((list.get(0).get("attempts").asInt() < 3 || list.get(1).get("attempts").asInt() < 3)
                && System.nanoTime() < deadline);
        Thread.sleep(200);
        list = h.admin("GET", "/api/v1/teams/default/alerts", null).json().get("alerts");
        for (JsonNode alert : list) {
            assertThat(alert.get("attempts").asInt()).isEqualTo(3);
            assertThat(alert.get("delivered_at").isNull()).isTrue();
        }
    }

    @Test
    void aTeamWhoseWebhookHangsDoesNotHoldUpAnotherTeamsAlerts() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger hangingAttempts = new AtomicInteger();
        HttpServer hanging = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService hangingThreads = Executors.newCachedThreadPool();
        hanging.setExecutor(hangingThreads);
        hanging.createContext("/hang", exchange -> {
            hangingAttempts.incrementAndGet();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        hanging.start();
        try {
            h.admin("PATCH", "/api/v1/settings/teams/default", "{\"alert_webhook_url\": \"http://127.0.0.1:"
                    + hanging.getAddress().getPort() + "/hang\", \"alert_thresholds\": [50, 100]}");
            for (int i = 0; i < 5; i++) {
                report(sessionOfAgentWithLimit("slow-" + i, 1_000_000), 1_000_000);
            }
            Team blue = h.ledger.settings().setTeam(Actor.local(), "blue", TeamSettings.none());
            assertThat(h.as(h.access.createKey("blue", Role.ADMIN, null, null).secret(), "PATCH",
                    "/api/v1/settings/teams/" + blue.id(), "{\"alert_webhook_url\": \"" + hook()
                            + "\", \"alert_thresholds\": [50]}").status()).isEqualTo(200);
            Agent other = h.ledger.settings().setAgent(Actor.local(), "blue-1", Ref.id(blue.id()),
                    new AgentSettings(Change.to(1_000_000L), Change.keep()));
            report(h.ledger.sessions().start(Actor.local(), Ref.id(other.id()), null, null).session().id(), 600_000);
            int waiting = h.ledger.alerts().due(10, 100).size();

            dispatcher = new AlertDispatcher(h.ledger, FAST, Duration.ofMillis(20));
            dispatcher.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            int attemptsBefore = hangingAttempts.get();

            assertThat(waiting).as("ten alerts of the default team, then blue's").isEqualTo(11);
            assertThat(received).hasSize(1);
            assertThat(received.get(0).get("team").asText()).isEqualTo("blue");
            assertThat(attemptsBefore).as("blue's alert went out before or while the default team's first attempts "
                    + "hung (its thread may not have reached the hanging server yet), not after the ten of them")
                    .isLessThanOrEqualTo(2);
        } finally {
            release.countDown();
            hanging.stop(0);
            hangingThreads.shutdownNow();
        }
    }

    @Test
    void backoffDoublesUpToItsCap() {
        AlertDispatcher.Backoff b = AlertDispatcher.Backoff.DEFAULT;
        assertThat(b.after(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.after(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.after(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(b.after(9)).isEqualTo(Duration.ofSeconds(256));
        assertThat(b.after(10)).isEqualTo(Duration.ofMinutes(5));
        assertThat(b.after(1000)).isEqualTo(Duration.ofMinutes(5));
        assertThat(b.maxAttempts()).isEqualTo(10);
    }
}
