package dev.entourage.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entourage.http.BridgeConfig;
import dev.entourage.http.HttpBridge;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.Budget;
import dev.entourage.ledger.Change;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.StoredUsage;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageEntry;
import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.access.Role;
import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.store.SqliteLedgerStore;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Anthropic gateway of {@code entourage serve}, against a local stand-in of the Messages API. */
class GatewayRoutesTest {
    private static final String PROVIDER_KEY = "sk-ant-test-0123456789-secret";
    private static final String SESSION = "cc-session-1";
    private static final String DB = "entourage.db";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private StandInUpstream upstream;
    private SqliteLedgerStore store;
    private LedgerServices ledger;
    private HttpBridge bridge;
    private String agentKey;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        upstream = new StandInUpstream();
        Clock clock = Clock.systemUTC();
        store = SqliteLedgerStore.open(dir.resolve(DB), SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock);
        ledger = new LedgerServices(store, PriceTable.bundled(), clock);
        ledger.settings().ensureDefaultTeam();
        ledger.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
        AccessService access = new AccessService(store, clock);
        agentKey = access.createKey(Team.DEFAULT_NAME, Role.AGENT, "eng-1", null).secret();
        bridge = HttpBridge.start(new BridgeConfig("127.0.0.1", 0, 1_000_000, false, List.of(), List.of(),
                upstream.uri()), ledger, access, Map.of());
    }

    @AfterEach
    void stop() {
        bridge.close();
        store.close();
        upstream.close();
    }

    @Test
    void recordsTheExactUsageOfANonStreamedCall() throws Exception {
        HttpResponse<String> answer = send(message(false), agentKey);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("usage").path("output_tokens").asLong())
                .isEqualTo(StandInUpstream.OUTPUT);
        assertThat(answer.headers().firstValue("request-id")).contains("req_standin1");
        assertSettledExactly("req_standin1");
    }

    @Test
    void recordsTheExactUsageOfAStreamedCallWhoseEventsArriveBeforeTheUpstreamFinishes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpResponse<InputStream> answer = streamHeldBy(release);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("event: message_start");
            assertThat(upstream.finished.getCount()).as("the upstream is still waiting for the test").isEqualTo(1);
            release.countDown();
            StringBuilder rest = new StringBuilder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                rest.append(line).append('\n');
            }
            assertThat(rest.toString()).contains("event: message_delta")
                    .endsWith("data: {\"type\":\"message_stop\"}\n\n");
        }
        awaitOneEvent();
        assertSettledExactly("req_standin1");
    }

    @Test
    void answersTheLastByteWithoutWaitingForTheLedgerAndRecordsTheCallOnceTheLedgerIsFree() throws Exception {
        long agentId = ledger.settings().agent(Actor.local(), Ref.name("eng-1")).id();
        CountDownLatch release = new CountDownLatch(1);
        HttpResponse<InputStream> answer = streamHeldBy(release);
        String rest;
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(DB));
             Statement sql = other.createStatement()) {
            sql.execute("BEGIN IMMEDIATE");
            release.countDown();
            rest = new String(answer.body().readAllBytes(), StandardCharsets.UTF_8);
            Optional<StoredUsage> recorded = store.read(r -> r.usageByEventId(agentId, "req_standin1"));
            assertThat(recorded).as("not recorded while another process holds the ledger's write lock").isEmpty();
            sql.execute("ROLLBACK");
        }

        assertThat(rest).endsWith("data: {\"type\":\"message_stop\"}\n\n");
        assertThat(bridge.awaitGatewayRecorded(5_000)).isTrue();
        assertSettledExactly("req_standin1");
    }

    @Test
    void refusesTheCallThatWouldCrossTheCapWithoutSendingItUpstream() throws Exception {
        ledger.settings().setAgent(Actor.local(), "eng-1", null,
                new AgentSettings(Change.to(50_000L), Change.keep()));

        assertThat(send(message(false), agentKey).statusCode()).isEqualTo(200);
        assertThat(send(message(true), agentKey).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = send(message(false), agentKey);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("x-should-retry")).contains("false");
        assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow())).isPositive();
        JsonNode body = JSON.readTree(refused.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("billing_error");
        assertThat(body.path("error").path("message").asText())
                .startsWith("spend limit reached (agent daily $0.05; resets ").endsWith("T00:00:00Z)");
        assertThat(upstream.messages.get()).isEqualTo(2);
    }

    @Test
    void forwardsUpstreamErrorsUnchangedAndReleasesTheHold() throws Exception {
        for (int status : new int[] {529, 400}) {
            upstream.errorStatus = status;
            HttpResponse<String> answer = send(message(status == 529), agentKey);

            assertThat(answer.statusCode()).isEqualTo(status);
            assertThat(answer.headers().firstValue("x-should-retry")).contains("true");
            assertThat(answer.headers().firstValue("retry-after")).contains("7");
            assertThat(answer.body()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\""
                    + (status == 529 ? "overloaded_error" : "invalid_request_error")
                    + "\",\"message\":\"stand-in: scripted " + status + "\"}}");
        }
        assertThat(events()).isEmpty();
        assertThat(held()).isZero();
    }

    @Test
    void countsARetriedRequestIdOnce() throws Exception {
        upstream.fixedRequestId = "req_same";

        assertThat(send(message(false), agentKey).statusCode()).isEqualTo(200);
        assertThat(send(message(true), agentKey).statusCode()).isEqualTo(200);

        assertThat(upstream.messages.get()).isEqualTo(2);
        assertThat(onlyEvent().eventId()).isEqualTo("req_same");
        assertThat(session().totals().costMicros()).isEqualTo(expectedCost());
        assertThat(held()).isZero();
    }

    @Test
    void chargesAStreamTheClientAbortsTheFloorEstimateOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        upstream.endless = true;
        HttpResponse<InputStream> answer = streamHeldBy(release);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("event: message_start");
        }
        release.countDown();
        awaitOneEvent();

        StoredUsage usage = onlyEvent();
        assertThat(usage.labels().querySource()).isEqualTo("gateway_floor");
        assertThat(usage.tokens().input()).isEqualTo(StandInUpstream.INPUT);
        assertThat(usage.tokens().cacheRead()).isEqualTo(StandInUpstream.CACHE_READ);
        assertThat(usage.tokens().output()).isGreaterThanOrEqualTo(("Hello there".length() + 3) / 4);
        assertThat(held()).isZero();
    }

    @Test
    void chargesAStreamTheUpstreamCutsShortTheFloorAndCutsTheClientsStreamToo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpResponse<InputStream> answer = streamHeldBy(release);
        boolean cleanEnd;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("event: message_start");
            upstream.close();
            release.countDown();
            cleanEnd = drainsCleanly(lines);
        }
        awaitOneEvent();

        assertThat(cleanEnd).as("the client saw the stream cut, not a clean end").isFalse();
        StoredUsage usage = onlyEvent();
        assertThat(usage.labels().querySource()).isEqualTo("gateway_floor");
        assertThat(usage.tokens()).isEqualTo(new TokenCounts(StandInUpstream.INPUT, 3, StandInUpstream.CACHE_WRITE,
                StandInUpstream.CACHE_WRITE_1H, StandInUpstream.CACHE_READ));
        assertThat(held()).isZero();
    }

    @Test
    void anAdminKeyNamesTheAgentAndCallsWithoutASessionHeaderShareTheAgentsGatewaySessionOfTheDay()
            throws Exception {
        String adminKey = new AccessService(store, Clock.systemUTC())
                .createKey(Team.DEFAULT_NAME, Role.ADMIN, null, null).secret();
        HttpRequest.Builder base = HttpRequest.newBuilder(uri("/anthropic/v1/messages"))
                .header("content-type", "application/json").header("x-api-key", PROVIDER_KEY)
                .header("X-Entourage-Key", adminKey).POST(HttpRequest.BodyPublishers.ofString(message(false)));

        HttpResponse<String> unnamed = client.send(base.build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> named = client.send(base.header("X-Entourage-Agent", "eng-1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bridge.awaitGatewayRecorded(5_000)).isTrue();

        assertThat(unnamed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unnamed.body()).path("error").path("message").asText())
                .startsWith("X-Entourage-Agent");
        assertThat(named.statusCode()).isEqualTo(200);
        Session day = ledger.sessions().openExternal(Actor.local(), new CaptureOrigin(CaptureSource.CLAUDE_CODE,
                "gateway-" + java.time.LocalDate.now(java.time.ZoneOffset.UTC), Ref.name("eng-1"), null), null, null);
        assertThat(day.totals().costMicros()).isEqualTo(expectedCost());
        assertThat(upstream.messages.get()).isEqualTo(1);
    }

    /** A streamed call whose upstream waits for {@code release} after its first events. */
    private HttpResponse<InputStream> streamHeldBy(CountDownLatch release) throws Exception {
        upstream.holdAfterFirstEvents = release;
        return client.send(request(message(true), agentKey), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static boolean drainsCleanly(BufferedReader lines) {
        try {
            while (lines.readLine() != null) {
                // the rest of what came
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void passesTheProviderKeyThroughStripsItsOwnHeadersAndNeverLogsTheKey() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try {
            upstream.errorStatus = 0;
            assertThat(send(message(true), agentKey).statusCode()).isEqualTo(200);
            upstream.errorStatus = 400;
            assertThat(send(message(false), agentKey).statusCode()).isEqualTo(400);
        } finally {
            System.setErr(err);
        }
        Map<String, List<String>> seen = upstream.headersSeen.get(0);
        assertThat(header(seen, "x-api-key")).isEqualTo(PROVIDER_KEY);
        assertThat(header(seen, "anthropic-version")).isEqualTo("2023-06-01");
        assertThat(header(seen, "x-entourage-key")).isNull();
        assertThat(logged.toString(StandardCharsets.UTF_8)).doesNotContain(PROVIDER_KEY).doesNotContain(agentKey);
    }

    @Test
    void passesCountTokensAndModelsThroughAndRefusesCallsWithoutAnEntourageKey() throws Exception {
        HttpResponse<String> count = client.send(HttpRequest.newBuilder(uri("/anthropic/v1/messages/count_tokens"))
                .header("x-api-key", PROVIDER_KEY).header("X-Entourage-Key", agentKey)
                .POST(HttpRequest.BodyPublishers.ofString(message(false))).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> models = client.send(HttpRequest.newBuilder(uri("/anthropic/v1/models"))
                .header("x-api-key", PROVIDER_KEY).header("X-Entourage-Key", agentKey).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> anonymous = send(message(false), null);

        assertThat(count.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(count.body()).path("input_tokens").asLong()).isEqualTo(StandInUpstream.INPUT);
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(models.body()).path("data").get(0).path("id").asText())
                .isEqualTo(StandInUpstream.MODEL);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(anonymous.body()).path("error").path("type").asText())
                .isEqualTo("authentication_error");
        assertThat(upstream.messages.get()).isZero();
        assertThat(events()).isEmpty();
    }

    @Test
    void refusesARequestWithoutMaxTokensNamingTheFieldAndSendsNothing() throws Exception {
        HttpResponse<String> answer = send("{\"model\":\"" + StandInUpstream.MODEL + "\",\"messages\":[]}", agentKey);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).path("error").path("message").asText()).startsWith("max_tokens");
        assertThat(upstream.messages.get()).isZero();
    }

    @Test
    void refusesABodyOverThirtyTwoMegabytesAndSendsNothing() throws Exception {
        String padding = "x".repeat(32 * 1024 * 1024);
        HttpResponse<String> answer = send("{\"model\":\"" + StandInUpstream.MODEL + "\",\"max_tokens\":1,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + padding + "\"}]}", agentKey);

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(answer.body()).path("error").path("type").asText()).isEqualTo("request_too_large");
        assertThat(upstream.messages.get()).isZero();
    }

    private static String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    private static String message(boolean stream) {
        return "{\"model\":\"" + StandInUpstream.MODEL + "\",\"max_tokens\":1024,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + bridge.port() + path);
    }

    private HttpRequest request(String body, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/anthropic/v1/messages"))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", PROVIDER_KEY).header("x-claude-code-session-id", SESSION)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("X-Entourage-Key", key);
        }
        return request.build();
    }

    private HttpResponse<String> send(String body, String key) throws Exception {
        HttpResponse<String> answer = client.send(request(body, key), HttpResponse.BodyHandlers.ofString());
        assertThat(bridge.awaitGatewayRecorded(5_000)).isTrue();
        return answer;
    }

    private static TokenCounts expectedTokens() {
        return new TokenCounts(StandInUpstream.INPUT, StandInUpstream.OUTPUT, StandInUpstream.CACHE_WRITE,
                StandInUpstream.CACHE_WRITE_1H, StandInUpstream.CACHE_READ);
    }

    private long expectedCost() {
        return ledger.prices().price(StandInUpstream.MODEL, expectedTokens()).costMicros();
    }

    private Session session() {
        return ledger.sessions().openExternal(Actor.local(),
                new CaptureOrigin(CaptureSource.CLAUDE_CODE, SESSION, Ref.name("eng-1"), null), null, null);
    }

    private List<StoredUsage> events() {
        return ledger.reports().sessionUsage(Actor.local(), session().id(), null, 100).events().stream()
                .map(UsageEntry::usage).toList();
    }

    private void assertSettledExactly(String requestId) {
        StoredUsage usage = onlyEvent();
        assertThat(usage.eventId()).isEqualTo(requestId);
        assertThat(usage.labels().querySource()).isEqualTo("gateway");
        assertThat(usage.tokens()).isEqualTo(expectedTokens());
        assertThat(usage.costMicros()).isEqualTo(expectedCost());
        assertThat(held()).isZero();
    }

    private StoredUsage onlyEvent() {
        List<StoredUsage> events = events();
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private long held() {
        Budget budget = ledger.budgets().check(Actor.local(), Ref.name("eng-1"), null, null);
        return budget.dailyHeld();
    }

    private void awaitOneEvent() throws InterruptedException {
        awaitUntil(() -> !events().isEmpty() && held() == 0);
    }

    private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("the condition came true within 10 s").isTrue();
    }
}
