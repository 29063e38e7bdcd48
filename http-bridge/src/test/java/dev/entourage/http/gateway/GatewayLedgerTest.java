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
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UpstreamProvider;
import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.access.Role;
import dev.entourage.ledger.pricing.PriceRequest;
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
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's side of the ledger: holds sized by the upstream's {@code count_tokens} and priced with the request's
 * modifiers, the budget headers near a limit, a team's own upstream key, and the gateway's rate limit.
 */
class GatewayLedgerTest {
    private static final String CALLER_KEY = "sk-ant-caller-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private StandInUpstream upstream;
    private SqliteLedgerStore store;
    private LedgerServices ledger;
    private AccessService access;
    private HttpBridge bridge;
    private String agentKey;
    private boolean countTokens = true;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        upstream = new StandInUpstream();
        Clock clock = Clock.systemUTC();
        store = SqliteLedgerStore.open(dir.resolve("entourage.db"), SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock);
        ledger = new LedgerServices(store, PriceTable.bundled(), clock);
        ledger.settings().ensureDefaultTeam();
        ledger.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
        access = new AccessService(store, clock);
        agentKey = access.createKey(Team.DEFAULT_NAME, Role.AGENT, "eng-1", null).secret();
        bridge = start(1_000_000);
    }

    private HttpBridge start(int rpm) {
        return HttpBridge.start(new BridgeConfig("127.0.0.1", 0, rpm, false, List.of(), List.of(), upstream.uri(),
                        OpenAiGateway.DEFAULT_UPSTREAM, countTokens),
                ledger, access, Map.of());
    }

    @AfterEach
    void stop() {
        bridge.close();
        store.close();
        upstream.close();
    }

    @Test
    void sizesTheHoldByCountTokensAskedWithTheCallersCredentialsAndWithoutMaxTokensOrStream() throws Exception {
        upstream.countedInput = 150_000;
        String body = message(StandInUpstream.MODEL, true, "");

        long held = heldWhileStreaming(body);

        assertThat(held).isEqualTo(hold(StandInUpstream.MODEL, 150_000, PriceRequest::at));
        assertThat(upstream.countBodies).hasSize(1);
        JsonNode counted = JSON.readTree(upstream.countBodies.get(0));
        assertThat(counted.has("max_tokens")).isFalse();
        assertThat(counted.has("stream")).isFalse();
        assertThat(counted.path("model").asText()).isEqualTo(StandInUpstream.MODEL);
        assertThat(counted.path("messages").get(0).path("content").asText()).isEqualTo("Say hello");
        Map<String, List<String>> seen = upstream.headersSeen.get(0);
        assertThat(header(seen, "x-api-key")).isEqualTo(CALLER_KEY);
        assertThat(header(seen, "anthropic-version")).isEqualTo("2023-06-01");
        assertThat(header(seen, "x-entourage-key")).isNull();
    }

    @Test
    void withoutCountTokensTheHoldIsSizedByTheBodyAloneAndNothingMoreIsSentUpstream() throws Exception {
        bridge.close();
        countTokens = false;
        bridge = start(1_000_000);
        upstream.countedInput = 150_000;
        String body = message(StandInUpstream.MODEL, true, "");

        long held = heldWhileStreaming(body);

        long bytes = body.getBytes(StandardCharsets.UTF_8).length;
        assertThat(held).isEqualTo(hold(StandInUpstream.MODEL, (bytes + 3) / 4, PriceRequest::at));
        assertThat(upstream.countBodies).isEmpty();
    }

    @Test
    void fallsBackToTheByteHeuristicWhenCountTokensFails() throws Exception {
        upstream.countStatus = 404;
        String body = message(StandInUpstream.MODEL, true, "");

        long held = heldWhileStreaming(body);

        long bytes = body.getBytes(StandardCharsets.UTF_8).length;
        assertThat(held).isEqualTo(hold(StandInUpstream.MODEL, (bytes + 3) / 4, PriceRequest::at));
        assertThat(upstream.countBodies).hasSize(1);
    }

    @Test
    void pricesTheHoldWithTheRequestsSpeedAndInferenceGeography() throws Exception {
        String body = message("claude-opus-5", true, ",\"speed\":\"fast\",\"inference_geo\":\"us\"");

        long held = heldWhileStreaming(body);

        long fast = hold("claude-opus-5", StandInUpstream.INPUT, (r, at) -> r.at(at).speed("fast").inferenceGeo("us"));
        assertThat(held).isEqualTo(fast)
                .isGreaterThan(2 * hold("claude-opus-5", StandInUpstream.INPUT, PriceRequest::at));
    }

    @Test
    void pricesTheSettledUsageAtTheRequestsSpeed() throws Exception {
        upstream.answerModel = "claude-opus-5";

        HttpResponse<String> answer = send(message("claude-opus-5", false, ",\"speed\":\"fast\""), CALLER_KEY);

        assertThat(answer.statusCode()).isEqualTo(200);
        TokenCounts tokens = new TokenCounts(StandInUpstream.INPUT, StandInUpstream.OUTPUT,
                StandInUpstream.CACHE_WRITE, StandInUpstream.CACHE_WRITE_1H, StandInUpstream.CACHE_READ);
        long fast = ledger.prices().price(PriceRequest.of("claude-opus-5", tokens).at(Instant.now()).speed("fast"))
                .costMicros();
        dev.entourage.ledger.StoredUsage usage = store.read(r -> r.usageByEventId(
                ledger.settings().agent(Actor.local(), Ref.name("eng-1")).id(), "req_standin1")).orElseThrow();
        assertThat(usage.costMicros()).isEqualTo(fast)
                .isGreaterThan(ledger.prices().price("claude-opus-5", tokens).costMicros());
        assertThat(usage.labels().speed()).isEqualTo("fast");
    }

    @Test
    void pricesTheSettledUsageAtTheTierAndGeographyTheAnswerNamesAndKeepsThem() throws Exception {
        upstream.answerModel = "claude-opus-4-6";
        upstream.usageExtra = ",\"service_tier\":\"batch\",\"inference_geo\":\"us\"";

        HttpResponse<String> answer = send(message("claude-opus-4-6", false, ""), CALLER_KEY);

        assertThat(answer.statusCode()).isEqualTo(200);
        TokenCounts tokens = new TokenCounts(StandInUpstream.INPUT, StandInUpstream.OUTPUT,
                StandInUpstream.CACHE_WRITE, StandInUpstream.CACHE_WRITE_1H, StandInUpstream.CACHE_READ);
        long standard = ledger.prices().price(PriceRequest.of("claude-opus-4-6", tokens).at(Instant.now()))
                .costMicros();
        long batchUs = ledger.prices().price(PriceRequest.of("claude-opus-4-6", tokens).at(Instant.now())
                .serviceTier("batch").inferenceGeo("us")).costMicros();
        dev.entourage.ledger.StoredUsage usage = store.read(r -> r.usageByEventId(
                ledger.settings().agent(Actor.local(), Ref.name("eng-1")).id(), "req_standin1")).orElseThrow();
        assertThat(batchUs).isNotEqualTo(standard);
        assertThat(usage.costMicros()).isEqualTo(batchUs);
        assertThat(usage.labels().serviceTier()).isEqualTo("batch");
        assertThat(usage.labels().inferenceGeo()).isEqualTo("us");
    }

    @Test
    void addsTheBudgetHeadersWhenTheHoldBringsAScopeToEightyPercentOfItsLimit() throws Exception {
        long hold = hold(StandInUpstream.MODEL, StandInUpstream.INPUT, PriceRequest::at);
        long limit = hold * 100 / 90;
        ledger.settings().setAgent(Actor.local(), "eng-1", null, new AgentSettings(Change.to(limit), Change.keep()));

        HttpResponse<String> near = send(message(StandInUpstream.MODEL, false, ""), CALLER_KEY);

        assertThat(near.statusCode()).isEqualTo(200);
        assertThat(near.headers().firstValue("x-entourage-budget-scope")).contains("agent_daily");
        assertThat(near.headers().firstValue("x-entourage-budget-limit-usd"))
                .contains(dev.entourage.ledger.Money.toDollars(limit).toPlainString());
        assertThat(near.headers().firstValue("x-entourage-budget-remaining-usd"))
                .contains(dev.entourage.ledger.Money.toDollars(limit - hold).toPlainString());

        ledger.settings().setAgent(Actor.local(), "eng-1", null,
                new AgentSettings(Change.to(100_000_000L), Change.keep()));
        HttpResponse<String> far = send(message(StandInUpstream.MODEL, false, ""), CALLER_KEY);
        assertThat(far.statusCode()).isEqualTo(200);
        assertThat(far.headers().firstValue("x-entourage-budget-scope")).isEmpty();
    }

    @Test
    void leavesTheBudgetHeadersOffAnUpstreamError() throws Exception {
        long hold = hold(StandInUpstream.MODEL, StandInUpstream.INPUT, PriceRequest::at);
        ledger.settings().setAgent(Actor.local(), "eng-1", null,
                new AgentSettings(Change.to(hold * 100 / 90), Change.keep()));
        upstream.errorStatus = 529;

        HttpResponse<String> failed = send(message(StandInUpstream.MODEL, false, ""), CALLER_KEY);

        assertThat(failed.statusCode()).isEqualTo(529);
        assertThat(failed.headers().firstValue("x-entourage-budget-scope")).isEmpty();
        assertThat(failed.headers().firstValue("x-entourage-budget-remaining-usd")).isEmpty();
    }

    @Test
    void replacesTheCallersCredentialWithTheTeamsKeyAndRereadsTheFileWhenItChanges() throws Exception {
        Path file = dir.resolve("anthropic.key");
        Files.writeString(file, "sk-ant-team-first\n");
        ledger.upstreamKeys().set(Actor.local(), Ref.name(Team.DEFAULT_NAME), UpstreamProvider.ANTHROPIC,
                file.toString(), "--anthropic-key-file");

        assertThat(send(message(StandInUpstream.MODEL, false, ""), null).statusCode()).isEqualTo(200);
        Files.writeString(file, "sk-ant-team-second-longer\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(send(message(StandInUpstream.MODEL, false, ""), CALLER_KEY).statusCode()).isEqualTo(200);

        List<Map<String, List<String>>> seen = upstream.headersSeen;
        assertThat(seen).hasSize(4);
        assertThat(seen.subList(0, 2)).allSatisfy(h -> assertThat(header(h, "x-api-key"))
                .isEqualTo("sk-ant-team-first"));
        assertThat(seen.subList(2, 4)).allSatisfy(h -> {
            assertThat(header(h, "x-api-key")).isEqualTo("sk-ant-team-second-longer");
            assertThat(header(h, "authorization")).isNull();
        });
        assertThat(upstream.served).containsEntry("/v1/messages/count_tokens", 2).containsEntry("/v1/messages", 2);
    }

    @Test
    void theGatewayIsUnderTheBridgesRateLimitAnsweringInTheAnthropicShape() throws Exception {
        bridge.close();
        bridge = start(1);

        for (int i = 0; i < 3; i++) {
            assertThat(send(message(StandInUpstream.MODEL, false, ""), CALLER_KEY).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> limited = send(message(StandInUpstream.MODEL, false, ""), CALLER_KEY);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(limited.headers().firstValue("retry-after").orElseThrow())).isPositive();
        JsonNode error = JSON.readTree(limited.body());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(upstream.messages.get()).isEqualTo(3);
    }

    /** The hold the gateway should place: {@code input} tokens and all 1024 of {@code max_tokens}, priced now. */
    private long hold(String model, long input, java.util.function.BiFunction<PriceRequest, Instant, PriceRequest> how) {
        PriceRequest request = how.apply(PriceRequest.of(model, new TokenCounts(input, 1024, 0, 0, 0)),
                Instant.now());
        return ledger.prices().price(request).costMicros();
    }

    private long heldWhileStreaming(String body) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        upstream.holdAfterFirstEvents = release;
        CompletableFuture<HttpResponse<InputStream>> pending = client.sendAsync(request(body, CALLER_KEY),
                HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> answer = pending.get();
        assertThat(answer.statusCode()).isEqualTo(200);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("event: message_start");
            long held = ledger.budgets().check(Actor.local(), Ref.name("eng-1"), null, null).dailyHeld();
            release.countDown();
            while (lines.readLine() != null) {
                // read to the end
            }
            return held;
        }
    }

    private static String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    private static String message(String model, boolean stream, String extra) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":1024,\"stream\":" + stream + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    private HttpRequest request(String body, String providerKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port()
                        + "/anthropic/v1/messages")).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-claude-code-session-id", "cc-ledger").header("X-Entourage-Key", agentKey)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (providerKey != null) {
            request.header("x-api-key", providerKey).header("authorization", "Bearer caller-oauth-token");
        }
        return request.build();
    }

    private HttpResponse<String> send(String body, String providerKey) throws Exception {
        HttpResponse<String> answer = client.send(request(body, providerKey), HttpResponse.BodyHandlers.ofString());
        assertThat(bridge.awaitGatewayRecorded(5_000)).isTrue();
        return answer;
    }
}
