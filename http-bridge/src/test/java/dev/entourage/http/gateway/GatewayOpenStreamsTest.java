package dev.entourage.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.http.BridgeConfig;
import dev.entourage.http.HttpBridge;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway holds no thread per open call: more streams than the bridge has threads (Jetty's pool of 200) stay
 * open at once, each having received its first event while the upstream still holds all of them, and all settle.
 */
class GatewayOpenStreamsTest {
    private static final int STREAMS = 300;

    @TempDir
    Path dir;

    @Test
    void keepsMoreStreamsOpenAtOnceThanTheBridgeHasThreads() throws Exception {
        Clock clock = Clock.systemUTC();
        CountDownLatch release = new CountDownLatch(1);
        try (StandInUpstream upstream = new StandInUpstream();
             SqliteLedgerStore store = SqliteLedgerStore.open(dir.resolve("entourage.db"),
                     SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock)) {
            upstream.holdAfterFirstEvents = release;
            LedgerServices ledger = new LedgerServices(store, PriceTable.bundled(), clock);
            ledger.settings().ensureDefaultTeam();
            ledger.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
            AccessService access = new AccessService(store, clock);
            String key = access.createKey(Team.DEFAULT_NAME, Role.AGENT, "eng-1", null).secret();
            HttpBridge bridge = HttpBridge.start(new BridgeConfig("127.0.0.1", 0, 1_000_000, false, List.of(),
                    List.of(), upstream.uri()), ledger, access, Map.of());
            try {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                List<CompletableFuture<HttpResponse<InputStream>>> calls = new ArrayList<>();
                for (int i = 0; i < STREAMS; i++) {
                    calls.add(client.sendAsync(request(bridge, key), HttpResponse.BodyHandlers.ofInputStream()));
                }
                List<BufferedReader> open = new ArrayList<>();
                for (CompletableFuture<HttpResponse<InputStream>> call : calls) {
                    HttpResponse<InputStream> answer = call.get(60, TimeUnit.SECONDS);
                    assertThat(answer.statusCode()).isEqualTo(200);
                    BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(),
                            StandardCharsets.UTF_8));
                    assertThat(lines.readLine()).isEqualTo("event: message_start");
                    open.add(lines);
                }
                assertThat(upstream.finished.getCount()).as("every stream is still held upstream").isEqualTo(1);
                release.countDown();
                for (BufferedReader lines : open) {
                    StringBuilder rest = new StringBuilder();
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        rest.append(line).append('\n');
                    }
                    lines.close();
                    assertThat(rest.toString()).endsWith("data: {\"type\":\"message_stop\"}\n\n");
                }
                long each = ledger.prices().price(StandInUpstream.MODEL, new TokenCounts(StandInUpstream.INPUT,
                        StandInUpstream.OUTPUT, StandInUpstream.CACHE_WRITE, StandInUpstream.CACHE_WRITE_1H,
                        StandInUpstream.CACHE_READ)).costMicros();
                long cost = 0;
                for (int i = 0; i < 200 && cost != STREAMS * each; i++) {
                    Thread.sleep(50);
                    cost = ledger.sessions().openExternal(Actor.local(), new CaptureOrigin(CaptureSource.CLAUDE_CODE,
                            "cc-open-streams", Ref.name("eng-1"), null), null, null).totals().costMicros();
                }
                assertThat(cost).isEqualTo(STREAMS * each);
                assertThat(ledger.budgets().check(Actor.local(), Ref.name("eng-1"), null, null).dailyHeld()).isZero();
            } finally {
                bridge.close();
            }
        }
    }

    private static HttpRequest request(HttpBridge bridge, String key) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/anthropic/v1/messages"))
                .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01").header("x-api-key", "sk-ant-test")
                .header("x-claude-code-session-id", "cc-open-streams").header("X-Entourage-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + StandInUpstream.MODEL
                        + "\",\"max_tokens\":1024,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "\"Say hello\"}]}"))
                .build();
    }
}
