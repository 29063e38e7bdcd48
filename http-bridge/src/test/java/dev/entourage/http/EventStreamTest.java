package dev.entourage.http;

import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.TeamSettings;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReport;
import dev.entourage.ledger.access.Role;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.store.SqliteLedgerStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/events}: live server-sent events over a real bridge and a real SQLite file. */
class EventStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private Harness h;
    private final List<Stream<String>> open = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        open.forEach(Stream::close);
        h.close();
    }

    /** One parsed event. */
    record Event(String id, String name, JsonNode data) {
    }

    /** An open stream whose events a reader thread collects. */
    final class Stream2 {
        final int status;
        final String contentType;
        final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
        final List<String> raw = new java.util.concurrent.CopyOnWriteArrayList<>();

        Stream2(String key) {
            HttpRequest request = HttpRequest.newBuilder(h.uri("/api/v1/events")).header("X-API-Key", key)
                    .header("Accept", "text/event-stream").GET().build();
            HttpResponse<Stream<String>> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofLines());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            status = response.statusCode();
            contentType = response.headers().firstValue("Content-Type").orElse("");
            Stream<String> body = response.body();
            open.add(body);
            Thread reader = new Thread(() -> {
                try {
                    body.forEach(line -> {
                        raw.add(line);
                        lines.add(line);
                    });
                } catch (RuntimeException e) {
                    // stream closed
                }
                lines.add(Boolean.FALSE);
            }, "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next event (skipping comments and retry lines), or null when none comes within {@code wait}. */
        Event next(Duration wait) throws InterruptedException, IOException {
            long deadline = System.nanoTime() + wait.toNanos();
            String id = null;
            String name = null;
            String data = null;
            while (true) {
                long left = deadline - System.nanoTime();
                Object line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (line == null || line == Boolean.FALSE) {
                    return null;
                }
                String text = (String) line;
                if (text.isEmpty()) {
                    if (name != null) {
                        return new Event(id, name, Json.mapper().readTree(data));
                    }
                    continue;
                }
                if (text.startsWith("id: ")) {
                    id = text.substring(4);
                } else if (text.startsWith("event: ")) {
                    name = text.substring(7);
                } else if (text.startsWith("data: ")) {
                    data = text.substring(6);
                }
            }
        }

        /** The next event called {@code name}, skipping others, within {@code wait}. */
        Event next(String wanted, Duration wait) throws InterruptedException, IOException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                Event e = next(Duration.ofNanos(deadline - System.nanoTime()));
                if (e == null) {
                    return null;
                }
                if (e.name().equals(wanted)) {
                    return e;
                }
            }
            return null;
        }

        /** Whether the server ended the stream within {@code wait}. */
        boolean ends(Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                Object line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == Boolean.FALSE) {
                    return true;
                }
            }
            return false;
        }
    }

    private long startSession() {
        return h.admin("POST", "/api/v1/agents/eng-1/sessions", "{}").json().get("id").asLong();
    }

    @Test
    void startsWithRetryAndHelloThenSendsUsageWithinTwoSeconds() throws Exception {
        Stream2 stream = new Stream2(h.key(Role.VIEWER, null));
        assertThat(stream.status).isEqualTo(200);
        assertThat(stream.contentType).startsWith("text/event-stream");
        Event hello = stream.next(WAIT);
        assertThat(hello).isNotNull();
        assertThat(hello.name()).isEqualTo("hello");
        assertThat(hello.data().get("team_id").asLong()).isEqualTo(h.team.id());
        assertThat(hello.data().get("now").asText()).endsWith("Z");
        assertThat(stream.raw).contains("retry: 1000");

        long session = startSession();
        Event started = stream.next("session", WAIT);
        assertThat(started).isNotNull();
        assertThat(started.data().get("session").get("id").asLong()).isEqualTo(session);
        assertThat(started.data().get("session").get("status").asText()).isEqualTo("active");

        Harness.Answer usage = h.admin("POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 100, \"output_tokens\": 10, \"cost_usd\": 0.25, \"event_id\": \"e-1\"}");
        assertThat(usage.status()).isEqualTo(201);
        Event event = stream.next("usage", WAIT);
        assertThat(event).as("a usage event within 2 s").isNotNull();
        assertThat(event.id()).isNotBlank();
        JsonNode data = event.data();
        assertThat(data.get("session_id").asLong()).isEqualTo(session);
        assertThat(data.get("event_id").asText()).isEqualTo("e-1");
        assertThat(data.get("agent_name").asText()).isEqualTo("eng-1");
        assertThat(data.get("team_id").asLong()).isEqualTo(h.team.id());
        assertThat(data.get("cost_usd").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(data.get("session").get("cost_usd").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(data.get("action").asText()).isEqualTo("continue");
        assertThat(data.get("recorded_at").asText()).endsWith("Z");

        // a replay is not news
        assertThat(h.admin("POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 100, \"output_tokens\": 10, \"cost_usd\": 0.25, \"event_id\": \"e-1\"}").status())
                .isEqualTo(200);
        h.admin("POST", "/api/v1/sessions/" + session + "/end", null);
        Event next = stream.next(WAIT);
        assertThat(next).isNotNull();
        assertThat(next.name()).isEqualTo("session");
        assertThat(next.data().get("session").get("status").asText()).isEqualTo("ended");
    }

    @Test
    void killSendsSessionAndKillAndPausesSendAgentAndTeam() throws Exception {
        long session = startSession();
        Stream2 stream = new Stream2(h.adminKey);
        assertThat(stream.next("hello", WAIT)).isNotNull();

        assertThat(h.admin("POST", "/api/v1/sessions/" + session + "/kill", "{\"reason\": \"runaway loop\"}")
                .status()).isEqualTo(200);
        Event changed = stream.next(WAIT);
        assertThat(changed.name()).isEqualTo("session");
        assertThat(changed.data().get("session").get("status").asText()).isEqualTo("killed");
        Event kill = stream.next(WAIT);
        assertThat(kill.name()).isEqualTo("kill");
        assertThat(kill.data().get("session").get("id").asLong()).isEqualTo(session);
        assertThat(kill.data().get("reason").asText()).isEqualTo("runaway loop");

        h.admin("PATCH", "/api/v1/settings/agents/eng-1", "{\"paused\": true}");
        Event agent = stream.next("agent", WAIT);
        assertThat(agent).isNotNull();
        assertThat(agent.data().get("paused").asBoolean()).isTrue();
        h.admin("PATCH", "/api/v1/settings/teams/default", "{\"paused\": true}");
        Event team = stream.next("team", WAIT);
        assertThat(team).isNotNull();
        assertThat(team.data().get("team_id").asLong()).isEqualTo(h.team.id());
        assertThat(team.data().get("paused").asBoolean()).isTrue();
    }

    @Test
    void sendsAnAlertWhenAThresholdIsCrossed() throws Exception {
        h.admin("PATCH", "/api/v1/settings/agents/eng-1", "{\"daily_limit_usd\": 1.00}");
        long session = startSession();
        Stream2 stream = new Stream2(h.adminKey);
        assertThat(stream.next("hello", WAIT)).isNotNull();
        h.admin("POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 1, \"output_tokens\": 1, \"cost_usd\": 0.85}");
        Event alert = stream.next("alert", WAIT);
        assertThat(alert).isNotNull();
        assertThat(alert.data().get("alert").get("threshold_percent").asInt()).isEqualTo(80);
    }

    @Test
    void anotherTeamsStreamGetsNothingOfThisTeam() throws Exception {
        h.ledger.settings().setTeam(Actor.local(), "other", TeamSettings.none());
        Stream2 other = new Stream2(h.access.createKey("other", Role.VIEWER, null, null).secret());
        Stream2 mine = new Stream2(h.adminKey);
        assertThat(other.next("hello", WAIT)).isNotNull();
        assertThat(mine.next("hello", WAIT)).isNotNull();

        long session = startSession();
        h.admin("POST", "/api/v1/sessions/" + session + "/usage", "{\"input_tokens\": 1, \"output_tokens\": 1}");
        h.admin("POST", "/api/v1/sessions/" + session + "/kill", "{}");
        assertThat(mine.next("kill", WAIT)).isNotNull();
        assertThat(other.next(Duration.ofMillis(800))).as("nothing of team default").isNull();
    }

    @Test
    void aWriteOfAnotherProcessOnTheSameFileSendsRefresh() throws Exception {
        Stream2 stream = new Stream2(h.adminKey);
        assertThat(stream.next("hello", WAIT)).isNotNull();
        long session = startSession();
        assertThat(stream.next("session", WAIT)).isNotNull();
        // own writes are not mistaken for another process's
        h.admin("POST", "/api/v1/sessions/" + session + "/usage", "{\"input_tokens\": 1, \"output_tokens\": 1}");
        assertThat(stream.next("usage", WAIT)).isNotNull();
        assertThat(stream.next("refresh", Duration.ofMillis(1200))).isNull();

        Clock clock = Clock.systemUTC();
        try (SqliteLedgerStore sidecarStore = SqliteLedgerStore.open(dir.resolve("entourage.db"),
                SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock)) {
            LedgerServices sidecar = new LedgerServices(sidecarStore, PriceTable.bundled(), clock);
            sidecar.usage().report(Actor.local(), new UsageReport(session, new TokenCounts(10, 5, 0, 0, 0), 1000L, null, null));
            Event refresh = stream.next("refresh", WAIT);
            assertThat(refresh).as("a refresh within 2 s of the sidecar's report").isNotNull();
            assertThat(refresh.data().size()).isZero();

            sidecar.sessions().end(Actor.local(), session);
            assertThat(stream.next("refresh", WAIT)).as("a refresh for the sidecar's end of a session").isNotNull();
        }
    }

    @Test
    void aClientThatDoesNotReadIsDroppedWithoutSlowingWritersAndStopStaysFast() throws Exception {
        long session = startSession();
        dev.entourage.ledger.UsageReceipt receipt = h.ledger.usage().report(Actor.local(), new UsageReport(session,
                new TokenCounts(1, 1, 0, 0, 0), 1L, "m-" + "x".repeat(150), null));
        try (java.net.Socket stalled = new java.net.Socket("127.0.0.1", h.bridge.port())) {
            stalled.setReceiveBufferSize(4096);
            stalled.getOutputStream().write(("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: "
                    + h.adminKey + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (h.bridge.openEventStreams() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(h.bridge.openEventStreams()).isEqualTo(1);
            Stream2 reader = new Stream2(h.adminKey);
            assertThat(reader.next("hello", WAIT)).isNotNull();

            long start = System.nanoTime();
            for (int i = 0; i < 20_000; i++) {
                h.ledger.events().publish(new dev.entourage.ledger.events.LedgerEvent.UsageRecorded(receipt,
                        java.time.Instant.now()));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("publishing never waits on clients")
                    .isLessThan(Duration.ofSeconds(2));
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (h.bridge.openEventStreams() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(h.bridge.openEventStreams()).as("the stalled client was dropped").isLessThanOrEqualTo(1);

            long before = System.nanoTime();
            h.bridge.close();
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void agentKeysAreRefusedAndStreamsEndWhenTheBridgeStops() throws Exception {
        Harness.Answer refused = h.as(h.key(Role.AGENT, "eng-1"), "GET", "/api/v1/events", null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("forbidden");
        assertThat(h.call("GET", "/api/v1/events", null).status()).isEqualTo(401);

        Stream2 stream = new Stream2(h.adminKey);
        assertThat(stream.next("hello", WAIT)).isNotNull();
        long before = System.nanoTime();
        h.bridge.close();
        assertThat(stream.ends(WAIT)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void oneCredentialHoldsAtMostSixteenStreamsAndOthersAreNotAffected() throws Exception {
        for (int i = 0; i < OpenStreams.MAX_STREAMS_PER_CALLER; i++) {
            Stream2 stream = new Stream2(h.adminKey);
            assertThat(stream.status).isEqualTo(200);
            assertThat(stream.next("hello", WAIT)).as("stream %d", i + 1).isNotNull();
        }

        Harness.Answer refused = h.as(h.adminKey, "GET", "/api/v1/events", null);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.errorCode()).isEqualTo("rate_limited");
        assertThat(refused.body()).contains("event streams open already");

        Stream2 viewer = new Stream2(h.key(Role.VIEWER, null));
        assertThat(viewer.status).isEqualTo(200);
        assertThat(viewer.next("hello", WAIT)).isNotNull();
    }

    @Test
    void aStreamEndsSoonAfterItsKeyIsRevoked() throws Exception {
        dev.entourage.ledger.access.IssuedKey viewer =
                h.access.createKey(dev.entourage.ledger.Team.DEFAULT_NAME, Role.VIEWER, null, "viewer");
        Stream2 stream = new Stream2(viewer.secret());
        assertThat(stream.next("hello", WAIT)).isNotNull();
        Stream2 admin = new Stream2(h.adminKey);
        assertThat(admin.next("hello", WAIT)).isNotNull();

        h.access.revokeKey(viewer.key().id(), h.team.id());

        Duration bound = OpenStreams.RECHECK.plusSeconds(3);
        assertThat(stream.ends(bound)).as("the revoked key's stream ends within %s", bound).isTrue();
        assertThat(admin.ends(Duration.ofSeconds(1))).as("other streams go on").isFalse();
    }
}
