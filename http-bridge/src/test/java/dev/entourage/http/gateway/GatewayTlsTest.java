package dev.entourage.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entourage.http.BridgeConfig;
import dev.entourage.http.HttpBridge;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.AgentSettings;
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
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway against upstreams served over HTTPS by Jetty with self-signed certificates made at test time, trusted
 * (or not) through the JVM's default trust store ({@code javax.net.ssl.trustStore}), as a team's private CA would be:
 * HTTP/2 where the upstream offers {@code h2} by ALPN, else HTTP/1.1; streams pass through as they arrive and the
 * exact usage is recorded; an upstream whose certificate the trust store does not vouch for (unknown, or for another
 * host) is not reached: 502, the hold released, nothing charged.
 */
class GatewayTlsTest {
    private static final String PROVIDER_KEY = "sk-ant-test-0123456789-secret";
    private static final String SESSION = "tls-session-1";
    private static final List<String> TRUST_PROPERTIES = List.of("javax.net.ssl.trustStore",
            "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType");
    /** 200 uncached input at $5/M, 300 output at $30/M, 300 cache writes at $6.25/M, 1500 cache reads at $0.50/M. */
    private static final long OPENAI_MICROS = 1_000 + 9_000 + 1_875 + 750;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> SAVED = new HashMap<>();

    @TempDir
    static Path certificates;
    private static Path trusted;
    private static Path stranger;
    private static Path elsewhere;

    @TempDir
    Path dir;
    private SqliteLedgerStore store;
    private LedgerServices ledger;
    private AccessService access;
    private String agentKey;
    private GatewayTlsStandIn upstream;
    private HttpBridge bridge;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void trustStore() throws Exception {
        trusted = GatewayTlsCertificates.keyStore(certificates, "standin", "ip:127.0.0.1");
        stranger = GatewayTlsCertificates.keyStore(certificates, "stranger", "ip:127.0.0.1");
        elsewhere = GatewayTlsCertificates.keyStore(certificates, "elsewhere", "dns:upstream.invalid");
        Path trustStore = certificates.resolve("trust.p12");
        GatewayTlsCertificates.trust(trustStore, trusted, "standin");
        GatewayTlsCertificates.trust(trustStore, elsewhere, "elsewhere");
        TRUST_PROPERTIES.forEach(name -> SAVED.put(name, System.getProperty(name)));
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", GatewayTlsCertificates.PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    @AfterAll
    static void restoreTrustStore() {
        SAVED.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    @BeforeEach
    void ledger() {
        Clock clock = Clock.systemUTC();
        store = SqliteLedgerStore.open(dir.resolve("entourage.db"), SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock);
        ledger = new LedgerServices(store, PriceTable.bundled(), clock);
        ledger.settings().ensureDefaultTeam();
        ledger.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
        access = new AccessService(store, clock);
        agentKey = access.createKey(Team.DEFAULT_NAME, Role.AGENT, "eng-1", null).secret();
    }

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        store.close();
    }

    @ParameterizedTest(name = "the upstream offers {0}: {1}")
    @CsvSource({"'h2,http/1.1', HTTP/2.0", "http/1.1, HTTP/1.1"})
    void anthropicCallsGoOverTheNegotiatedProtocolStreamThroughAndAreRecordedExactly(String offered, String protocol)
            throws Exception {
        gatewayTo(new GatewayTlsStandIn(trusted, offered.split(",")), true);

        HttpResponse<String> plain = send("/anthropic/v1/messages", message(false));
        String streamed = readStreamHeldByTheUpstream("/anthropic/v1/messages", message(true), "event: message_start");

        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        assertThat(JSON.readTree(plain.body()).path("usage").path("output_tokens").asLong())
                .isEqualTo(StandInUpstream.OUTPUT);
        assertThat(plain.headers().firstValue("request-id")).contains("req_tls1");
        assertThat(streamed).contains("event: message_delta").endsWith("data: {\"type\":\"message_stop\"}\n\n");
        assertThat(upstream.protocols).containsExactly(protocol, protocol);
        awaitUntil(() -> events().size() == 2 && held() == 0);
        TokenCounts tokens = new TokenCounts(StandInUpstream.INPUT, StandInUpstream.OUTPUT,
                StandInUpstream.CACHE_WRITE, StandInUpstream.CACHE_WRITE_1H, StandInUpstream.CACHE_READ);
        long cost = ledger.prices().price(StandInUpstream.MODEL, tokens).costMicros();
        assertThat(events()).extracting(StoredUsage::eventId).containsExactlyInAnyOrder("req_tls1", "req_tls2");
        for (StoredUsage usage : events()) {
            assertThat(usage.labels().querySource()).isEqualTo("gateway");
            assertThat(usage.tokens()).isEqualTo(tokens);
            assertThat(usage.costMicros()).isEqualTo(cost);
        }
    }

    @Test
    void openAiChatCallsGoOverHttp2StreamThroughAndAreRecordedExactly() throws Exception {
        gatewayTo(new GatewayTlsStandIn(trusted, "h2", "http/1.1"), false);

        HttpResponse<String> plain = send("/openai/v1/chat/completions", chat(false));
        String streamed = readStreamHeldByTheUpstream("/openai/v1/chat/completions", chat(true),
                "data: {\"id\":\"chatcmpl-2\"");

        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        assertThat(plain.headers().firstValue("x-request-id")).contains("req_tls1");
        assertThat(streamed).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":2000")
                .endsWith("data: [DONE]\n\n");
        assertThat(upstream.protocols).containsExactly("HTTP/2.0", "HTTP/2.0");
        awaitUntil(() -> events().size() == 2 && held() == 0);
        TokenCounts tokens = new TokenCounts(OpenAiStandIn.PROMPT - OpenAiStandIn.CACHED - OpenAiStandIn.CACHE_WRITE,
                OpenAiStandIn.COMPLETION, OpenAiStandIn.CACHE_WRITE, 0, OpenAiStandIn.CACHED);
        assertThat(events()).extracting(StoredUsage::eventId).containsExactlyInAnyOrder("req_tls1", "req_tls2");
        for (StoredUsage usage : events()) {
            assertThat(usage.model()).isEqualTo(GatewayTlsStandIn.OPENAI_MODEL);
            assertThat(usage.tokens()).isEqualTo(tokens);
            assertThat(usage.costMicros()).isEqualTo(OPENAI_MICROS);
        }
    }

    @ParameterizedTest(name = "a certificate {0}")
    @ValueSource(strings = {"not in the trust store", "in the trust store for another host"})
    void refusesAnUpstreamWhoseCertificateTheTrustStoreDoesNotVouchForAndChargesNothing(String which)
            throws Exception {
        gatewayTo(new GatewayTlsStandIn(which.startsWith("not") ? stranger : elsewhere, "h2", "http/1.1"), true);

        HttpResponse<String> plain = send("/anthropic/v1/messages", message(false));
        HttpResponse<String> streamed = send("/anthropic/v1/messages", message(true));

        for (HttpResponse<String> answer : List.of(plain, streamed)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(502);
            JsonNode error = JSON.readTree(answer.body());
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("type").asText()).isEqualTo("api_error");
        }
        assertThat(upstream.calls.get()).as("no request got through the handshake").isZero();
        assertThat(events()).isEmpty();
        assertThat(held()).isZero();
    }

    private void gatewayTo(GatewayTlsStandIn standIn, boolean anthropic) {
        upstream = standIn;
        URI unused = URI.create("http://127.0.0.1:1");
        bridge = HttpBridge.start(new BridgeConfig("127.0.0.1", 0, 1_000_000, false, List.of(), List.of(),
                anthropic ? standIn.uri() : unused, anthropic ? unused : standIn.uri(), false), ledger, access,
                Map.of());
    }

    /** A streamed call whose first line arrives while the upstream still waits; the rest once it is released. */
    private String readStreamHeldByTheUpstream(String path, String body, String firstLine) throws Exception {
        HttpResponse<InputStream> answer = client.send(request(path, body), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).startsWith(firstLine);
            assertThat(upstream.finished.getCount()).as("the upstream is still waiting for the test").isEqualTo(1);
            upstream.release.countDown();
            StringBuilder rest = new StringBuilder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                rest.append(line).append('\n');
            }
            return rest.toString();
        }
    }

    private static String message(boolean stream) {
        return "{\"model\":\"" + StandInUpstream.MODEL + "\",\"max_tokens\":1024,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    private static String chat(boolean stream) {
        return "{\"model\":\"" + OpenAiStandIn.MODEL + "\",\"max_completion_tokens\":300,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    private HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + path))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01").header("x-api-key", PROVIDER_KEY)
                .header("authorization", "Bearer " + PROVIDER_KEY).header("x-claude-code-session-id", SESSION)
                .header("X-Entourage-Session", SESSION).header("X-Entourage-Key", agentKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> send(String path, String body) throws Exception {
        return client.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    private List<StoredUsage> events() {
        Session session = ledger.sessions().openExternal(Actor.local(),
                new CaptureOrigin(CaptureSource.CLAUDE_CODE, SESSION, Ref.name("eng-1"), null), null, null);
        return ledger.reports().sessionUsage(Actor.local(), session.id(), null, 100).events().stream()
                .map(UsageEntry::usage).toList();
    }

    private long held() {
        return ledger.budgets().check(Actor.local(), Ref.name("eng-1"), null, null).dailyHeld();
    }

    private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("the condition came true within 5 s").isTrue();
    }
}
