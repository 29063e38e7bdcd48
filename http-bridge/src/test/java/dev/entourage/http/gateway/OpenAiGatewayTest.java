package dev.entourage.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entourage.http.BridgeConfig;
import dev.entourage.http.HttpBridge;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.Change;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.StoredUsage;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UpstreamProvider;
import dev.entourage.ledger.UsageEntry;
import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.access.Role;
import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.store.SqliteLedgerStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAI gateway of {@code entourage serve}, against a local stand-in of OpenAI's API. */
class OpenAiGatewayTest {
    private static final String PROVIDER_KEY = "sk-proj-test-0123456789-secret";
    private static final String SESSION = "oai-session-1";
    private static final String CHAT = "/openai/v1/chat/completions";
    private static final String RESPONSES = "/openai/v1/responses";
    /** 200 uncached input at $5/M, 300 output at $30/M, 300 cache writes at $6.25/M, 1500 cache reads at $0.50/M. */
    private static final long EXPECTED_MICROS = 1_000 + 9_000 + 1_875 + 750;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private OpenAiStandIn upstream;
    private SqliteLedgerStore store;
    private LedgerServices ledger;
    private HttpBridge bridge;
    private String agentKey;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        upstream = new OpenAiStandIn();
        Clock clock = Clock.systemUTC();
        store = SqliteLedgerStore.open(dir.resolve("entourage.db"), SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock);
        ledger = new LedgerServices(store, PriceTable.bundled(), clock);
        ledger.settings().ensureDefaultTeam();
        ledger.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
        AccessService access = new AccessService(store, clock);
        agentKey = access.createKey(Team.DEFAULT_NAME, Role.AGENT, "eng-1", null).secret();
        bridge = HttpBridge.start(new BridgeConfig("127.0.0.1", 0, 1_000_000, false, List.of(), List.of(),
                URI.create("http://127.0.0.1:1"), upstream.uri()), ledger, access, Map.of());
    }

    @AfterEach
    void stop() {
        bridge.close();
        store.close();
        upstream.close();
    }

    @Test
    void recordsAChatCompletionsExactUsageWithCachedTokensAndCacheWritesChargedOnce() throws Exception {
        HttpResponse<String> answer = send(CHAT, chat(false, ""), agentKey);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("usage").path("prompt_tokens").asLong())
                .isEqualTo(OpenAiStandIn.PROMPT);
        assertThat(answer.headers().firstValue("x-request-id")).contains("req_oai1");
        assertSettledExactly("req_oai1");
        Map<String, List<String>> seen = upstream.headersSeen.get(0);
        assertThat(header(seen, "authorization")).isEqualTo("Bearer " + PROVIDER_KEY);
        assertThat(header(seen, "x-entourage-key")).isNull();
        assertThat(header(seen, "x-entourage-session")).isNull();
    }

    @Test
    void sendsTheTeamsOpenAiKeyAsTheBearerInsteadOfTheCallersCredential() throws Exception {
        Path file = dir.resolve("openai.key");
        Files.writeString(file, "sk-team-openai-key\n");
        ledger.upstreamKeys().set(Actor.local(), Ref.name(Team.DEFAULT_NAME), UpstreamProvider.OPENAI,
                file.toString(), "--openai-key-file");

        assertThat(send(CHAT, chat(false, ""), agentKey).statusCode()).isEqualTo(200);

        Map<String, List<String>> seen = upstream.headersSeen.get(0);
        assertThat(header(seen, "authorization")).isEqualTo("Bearer sk-team-openai-key");
        assertThat(header(seen, "x-api-key")).isNull();
        assertSettledExactly("req_oai1");
    }

    @Test
    void pricesTheServiceTierTheAnswerNamesAndKeepsIt() throws Exception {
        upstream.serviceTier = "flex";

        assertThat(send(CHAT, chat(false, ""), agentKey).statusCode()).isEqualTo(200);

        StoredUsage usage = events().get(0);
        assertThat(usage.labels().serviceTier()).isEqualTo("flex");
        long flex = ledger.prices().price(dev.entourage.ledger.pricing.PriceRequest.of(usage.model(),
                expectedTokens()).at(usage.reportedAt()).serviceTier("flex")).costMicros();
        assertThat(flex).isBetween(EXPECTED_MICROS / 2, EXPECTED_MICROS / 2 + 1);
        assertThat(usage.costMicros()).isEqualTo(flex);
    }

    @Test
    void addsTheBudgetHeadersWhenTheHoldBringsAScopeNearItsLimit() throws Exception {
        String body = chat(false, "");
        long hold = OpenAiHold.of(ledger.prices(), OpenAiHold.Api.CHAT, body.getBytes(StandardCharsets.UTF_8),
                java.time.Instant.now())
                .micros();
        ledger.settings().setAgent(Actor.local(), "eng-1", null,
                new AgentSettings(Change.to(hold * 100 / 90), Change.keep()));

        HttpResponse<String> near = send(CHAT, body, agentKey);

        assertThat(near.statusCode()).isEqualTo(200);
        assertThat(near.headers().firstValue("x-entourage-budget-scope")).contains("agent_daily");
        assertThat(near.headers().firstValue("x-entourage-budget-remaining-usd")).isPresent();
    }

    @Test
    void asksForTheUsageChunkOfAStreamedChatAndRecordsItsExactUsage() throws Exception {
        HttpResponse<String> answer = send(CHAT, chat(true, ""), agentKey);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(upstream.bodies.get(0).path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(answer.body()).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":2000")
                .endsWith("data: [DONE]\n\n");
        assertSettledExactly("req_oai1");
    }

    @Test
    void addsIncludeUsageKeepingTheRestOfTheBodyAsSentAndForwardsABodyThatAsksForItByteForByte() throws Exception {
        String plain = chat(true, ",\"temperature\":0.1000000000000000055,\"seed\":12345678901234567890");
        String asking = chat(true, ",\"stream_options\":{\"include_usage\":true}, \"temperature\":1.50");

        assertThat(send(CHAT, plain, agentKey).statusCode()).isEqualTo(200);
        assertThat(send(CHAT, asking, agentKey).statusCode()).isEqualTo(200);

        assertThat(upstream.raw.get(0)).isEqualTo(plain.substring(0, plain.length() - 1)
                + ",\"stream_options\":{\"include_usage\":true}}");
        assertThat(upstream.raw.get(1)).isEqualTo(asking);
        assertThat(events()).extracting(StoredUsage::eventId).containsExactlyInAnyOrder("req_oai1", "req_oai2");
    }

    @Test
    void recordsTheExactUsageOfResponsesCallsStreamedAndNot() throws Exception {
        HttpResponse<String> plain = send(RESPONSES, response(false), agentKey);
        HttpResponse<String> streamed = send(RESPONSES, response(true), agentKey);

        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).contains("event: response.completed");
        List<StoredUsage> events = events();
        assertThat(events).extracting(StoredUsage::eventId).containsExactlyInAnyOrder("req_oai1", "req_oai2");
        for (StoredUsage usage : events) {
            assertThat(usage.labels().querySource()).isEqualTo("gateway");
            assertThat(usage.tokens()).isEqualTo(expectedTokens());
            assertThat(usage.costMicros()).isEqualTo(EXPECTED_MICROS);
        }
        assertThat(held()).isZero();
    }

    @Test
    void refusesTheCallThatWouldCrossTheCapInOpenAisShapeWithoutSendingItUpstream() throws Exception {
        ledger.settings().setAgent(Actor.local(), "eng-1", null,
                new AgentSettings(Change.to(30_000L), Change.keep()));

        assertThat(send(CHAT, chat(false, ""), agentKey).statusCode()).isEqualTo(200);
        assertThat(send(RESPONSES, response(true), agentKey).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = send(CHAT, chat(true, ""), agentKey);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("x-should-retry")).contains("false");
        assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow())).isPositive();
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("insufficient_quota");
        assertThat(error.path("code").asText()).isEqualTo("insufficient_quota");
        assertThat(error.path("param").isNull()).isTrue();
        assertThat(error.path("message").asText())
                .startsWith("spend limit reached (agent daily $0.03; resets ").endsWith("T00:00:00Z)");
        assertThat(upstream.calls.get()).isEqualTo(2);
    }

    @Test
    void holdsTheDefaultOutputCapForARequestThatNamesNone() throws Exception {
        ledger.settings().setAgent(Actor.local(), "eng-1", null,
                new AgentSettings(Change.to(900_000L), Change.keep()));
        String uncapped = "{\"model\":\"" + OpenAiStandIn.MODEL + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Say hello\"}]}";

        HttpResponse<String> refused = send(CHAT, uncapped, agentKey);
        HttpResponse<String> capped = send(CHAT, chat(false, ""), agentKey);

        assertThat(refused.statusCode()).as("32,768 output tokens at $30/M is over $0.90").isEqualTo(429);
        assertThat(capped.statusCode()).isEqualTo(200);
        assertThat(upstream.calls.get()).isEqualTo(1);
    }

    @Test
    void forwardsUpstreamErrorsUnchangedAndReleasesTheHold() throws Exception {
        for (int status : new int[] {500, 400}) {
            upstream.errorStatus = status;
            HttpResponse<String> answer = send(status == 500 ? CHAT : RESPONSES, status == 500 ? chat(true, "")
                    : response(false), agentKey);

            assertThat(answer.statusCode()).isEqualTo(status);
            assertThat(answer.headers().firstValue("x-should-retry")).contains("true");
            assertThat(answer.headers().firstValue("retry-after")).contains("7");
            assertThat(answer.body()).isEqualTo("{\"error\":{\"message\":\"stand-in: scripted " + status
                    + "\",\"type\":\"" + (status == 400 ? "invalid_request_error" : "server_error")
                    + "\",\"param\":null,\"code\":null}}");
        }
        assertThat(upstream.calls.get()).isEqualTo(2);
        assertThat(events()).isEmpty();
        assertThat(held()).isZero();
    }

    @Test
    void countsARetriedRequestIdOnce() throws Exception {
        upstream.fixedRequestId = "req_same";

        assertThat(send(CHAT, chat(false, ""), agentKey).statusCode()).isEqualTo(200);
        assertThat(send(CHAT, chat(true, ""), agentKey).statusCode()).isEqualTo(200);

        assertThat(upstream.calls.get()).isEqualTo(2);
        assertThat(events()).extracting(StoredUsage::eventId).containsExactly("req_same");
        assertThat(session().totals().costMicros()).isEqualTo(EXPECTED_MICROS);
        assertThat(held()).isZero();
    }

    @Test
    void chargesAChatStreamTheClientAbortsTheFloorEstimateOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        upstream.endless = true;
        upstream.holdAfterFirstChunk = release;
        String body = chat(true, "");
        HttpResponse<InputStream> answer = client.send(request(CHAT, body, agentKey),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).startsWith("data: {\"id\":\"chatcmpl-1\"");
        }
        release.countDown();
        awaitOneEvent();

        StoredUsage usage = events().get(0);
        assertThat(usage.labels().querySource()).isEqualTo("gateway_floor");
        assertThat(usage.tokens().input()).isEqualTo((body.length() + 3) / 4);
        assertThat(usage.tokens().output()).isGreaterThanOrEqualTo(("Hello there".length() + 3) / 4);
        assertThat(usage.tokens().cacheRead()).isZero();
        assertThat(held()).isZero();
    }

    @Test
    void chargesAResponsesStreamTheUpstreamCutsShortTheFloorAndCutsTheClientsStreamToo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        upstream.holdAfterFirstChunk = release;
        String body = response(true);
        HttpResponse<InputStream> answer = client.send(request(RESPONSES, body, agentKey),
                HttpResponse.BodyHandlers.ofInputStream());
        boolean cleanEnd;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("event: response.created");
            upstream.close();
            release.countDown();
            cleanEnd = drainsCleanly(lines);
        }
        awaitOneEvent();

        assertThat(cleanEnd).as("the client saw the stream cut, not a clean end").isFalse();
        StoredUsage usage = events().get(0);
        assertThat(usage.labels().querySource()).isEqualTo("gateway_floor");
        assertThat(usage.tokens()).isEqualTo(new TokenCounts((body.length() + 3) / 4, 3, 0, 0, 0));
        assertThat(held()).isZero();
    }

    @Test
    void refusesBadRequestsInOpenAisShapeNamingTheFieldAndSendsNothing() throws Exception {
        HttpResponse<String> noModel = send(CHAT, "{\"messages\":[]}", agentKey);
        HttpResponse<String> badCap = send(CHAT, "{\"model\":\"gpt-4.1\",\"max_tokens\":\"many\"}", agentKey);
        HttpResponse<String> badOutput = send(RESPONSES, "{\"model\":\"gpt-4.1\",\"max_output_tokens\":0}", agentKey);
        HttpResponse<String> notJson = send(RESPONSES, "[1,2]", agentKey);
        HttpResponse<String> anonymous = send(CHAT, chat(false, ""), null);
        HttpResponse<String> badKey = send(CHAT, chat(false, ""), "oc_not-a-key");
        HttpResponse<String> elsewhere = send("/openai/v1/embeddings", "{}", agentKey);

        assertError(noModel, 400, "invalid_request_error", "model");
        assertError(badCap, 400, "invalid_request_error", "max_tokens");
        assertError(badOutput, 400, "invalid_request_error", "max_output_tokens");
        assertError(notJson, 400, "invalid_request_error", "body");
        assertError(anonymous, 401, "invalid_request_error", null);
        assertThat(JSON.readTree(anonymous.body()).path("error").path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(JSON.readTree(anonymous.body()).path("error").path("message").asText())
                .startsWith("X-Entourage-Key");
        assertError(badKey, 401, "invalid_request_error", null);
        assertError(elsewhere, 404, "invalid_request_error", null);
        assertThat(upstream.calls.get()).isZero();
        assertThat(upstream.headersSeen).isEmpty();
        assertThat(events()).isEmpty();
    }

    @Test
    void passesModelsThrough() throws Exception {
        HttpResponse<String> models = client.send(HttpRequest.newBuilder(uri("/openai/v1/models"))
                .header("authorization", "Bearer " + PROVIDER_KEY).header("X-Entourage-Key", agentKey).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(models.body()).path("data").get(0).path("id").asText())
                .isEqualTo(OpenAiStandIn.MODEL);
        assertThat(upstream.calls.get()).isZero();
        assertThat(events()).isEmpty();
    }

    private static void assertError(HttpResponse<String> answer, int status, String type, String param)
            throws IOException {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(answer.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo(type);
        assertThat(error.has("code")).isTrue();
        if (param == null) {
            assertThat(error.path("param").isNull()).isTrue();
        } else {
            assertThat(error.path("param").asText()).isEqualTo(param);
            assertThat(error.path("message").asText()).startsWith(param + ": ");
        }
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

    private static String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    private static String chat(boolean stream, String more) {
        return "{\"model\":\"" + OpenAiStandIn.MODEL + "\",\"max_completion_tokens\":300,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]" + more + "}";
    }

    private static String response(boolean stream) {
        return "{\"model\":\"" + OpenAiStandIn.MODEL + "\",\"max_output_tokens\":300,\"stream\":" + stream
                + ",\"input\":\"Say hello\"}";
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + bridge.port() + path);
    }

    private HttpRequest request(String path, String body, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").header("authorization", "Bearer " + PROVIDER_KEY)
                .header("X-Entourage-Session", SESSION).POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("X-Entourage-Key", key);
        }
        return request.build();
    }

    private HttpResponse<String> send(String path, String body, String key) throws Exception {
        HttpResponse<String> answer = client.send(request(path, body, key), HttpResponse.BodyHandlers.ofString());
        assertThat(bridge.awaitGatewayRecorded(5_000)).isTrue();
        return answer;
    }

    /** The stand-in's usage counted the Anthropic way: input without the cached tokens and cache writes. */
    private static TokenCounts expectedTokens() {
        return new TokenCounts(OpenAiStandIn.PROMPT - OpenAiStandIn.CACHED - OpenAiStandIn.CACHE_WRITE,
                OpenAiStandIn.COMPLETION, OpenAiStandIn.CACHE_WRITE, 0, OpenAiStandIn.CACHED);
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
        List<StoredUsage> events = events();
        assertThat(events).hasSize(1);
        StoredUsage usage = events.get(0);
        assertThat(usage.eventId()).isEqualTo(requestId);
        assertThat(usage.labels().querySource()).isEqualTo("gateway");
        assertThat(usage.model()).isEqualTo(OpenAiStandIn.MODEL + "-2026-06-01");
        assertThat(usage.tokens()).isEqualTo(expectedTokens());
        assertThat(usage.costMicros()).isEqualTo(EXPECTED_MICROS);
        assertThat(held()).isZero();
    }

    private long held() {
        return ledger.budgets().check(Actor.local(), Ref.name("eng-1"), null, null).dailyHeld();
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
