package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.BridgeConfig;
import dev.entourage.http.HttpBridge;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.MutableClock;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.access.Role;
import dev.entourage.ledger.pricing.GoldenRequests;
import dev.entourage.ledger.pricing.GoldenRequests.Golden;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.store.SqliteLedgerStore;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden priced requests of {@code PriceGoldenTest} sent through every door of a real bridge (SQLite file,
 * Jetty, the MCP servlet at {@code /mcp}): REST {@code POST /sessions/{id}/usage}, the MCP tool {@code report_usage}
 * through the SDK client, and OTLP log records posted to {@code /v1/logs} as Claude Code, Codex and Gemini CLI send
 * them; each stored event costs the golden micro-dollars.
 *
 * <p>REST and MCP carry every row: the event time is the ledger's clock, set to the row's {@code at} (or the
 * table's {@code checked_at} day) before each report. OTLP carries the time ({@code event.timestamp}) and speed,
 * but no agent's telemetry says a service tier or an inference geography, so these rows are left out of it; Codex
 * sends no cache-write count (rows with OpenAI cache writes left out), and no agent that exports OTLP runs
 * DeepSeek (its rows have no OTLP door).
 */
class GoldenDoorsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() {
    };
    private static final Instant CHECKED_AT_DAY = Instant.parse("2026-12-01T12:00:00Z");

    @TempDir
    Path dir;

    private MutableClock clock;
    private SqliteLedgerStore store;
    private HttpMcp mcp;
    private HttpBridge bridge;
    private String key;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        clock = new MutableClock(CHECKED_AT_DAY);
        store = SqliteLedgerStore.open(dir.resolve("entourage.db"), SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock);
        LedgerServices ledger = new LedgerServices(store, PriceTable.bundled(), clock);
        ledger.settings().ensureDefaultTeam();
        AccessService access = new AccessService(store, clock);
        key = access.createKey(Team.DEFAULT_NAME, Role.AGENT, "golden", "golden doors").secret();
        BridgeConfig config = new BridgeConfig("127.0.0.1", 0, 1_000_000, false);
        mcp = HttpMcp.create(ledger, config, "test");
        bridge = HttpBridge.start(config, ledger, access, mcp.servlets());
    }

    @AfterEach
    void stop() {
        bridge.close();
        mcp.close();
        store.close();
    }

    @Test
    void everyGoldenRequestCostsTheSameThroughRest() {
        long session = restSession();
        List<Golden> rows = GoldenRequests.all();
        for (int i = 0; i < rows.size(); i++) {
            Golden g = rows.get(i);
            clock.set(time(g));
            ObjectNode body = usageBody(g, "rest-" + i);
            JsonNode answer = post("/api/v1/sessions/" + session + "/usage", "application/json", body.toString(), 201);
            assertThat(micros(answer.get("cost_usd"))).as(g.name()).isEqualTo(g.expectedMicros());
        }
        Map<String, JsonNode> stored = storedEvents(session);
        for (int i = 0; i < rows.size(); i++) {
            Golden g = rows.get(i);
            JsonNode event = stored.get("rest-" + i);
            assertThat(micros(event.get("cost_usd"))).as("stored: " + g.name()).isEqualTo(g.expectedMicros());
            assertThat(event.get("service_tier").asText(null)).as(g.name()).isEqualTo(blankToNull(g.serviceTier()));
            assertThat(event.get("speed").asText(null)).as(g.name()).isEqualTo(blankToNull(g.speed()));
            assertThat(event.get("inference_geo").asText(null)).as(g.name()).isEqualTo(blankToNull(g.geo()));
        }
    }

    @Test
    void everyGoldenRequestCostsTheSameThroughMcp() {
        McpSyncClient client = mcpClient();
        try {
            McpSchema.CallToolResult started = client.callTool(McpSchema.CallToolRequest.builder("start_session")
                    .arguments(Map.of()).build());
            long session = MAPPER.valueToTree(started.structuredContent()).get("session_id").asLong();
            List<Golden> rows = GoldenRequests.all();
            for (int i = 0; i < rows.size(); i++) {
                Golden g = rows.get(i);
                clock.set(time(g));
                Map<String, Object> arguments = MAPPER.convertValue(usageBody(g, "mcp-" + i), ARGUMENTS);
                McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("report_usage")
                        .arguments(arguments).build());
                assertThat(result.isError()).as(g.name() + ": " + result.content()).isFalse();
                JsonNode answer = MAPPER.valueToTree(result.structuredContent());
                assertThat(micros(answer.get("cost_usd"))).as(g.name()).isEqualTo(g.expectedMicros());
            }
            Map<String, JsonNode> stored = storedEvents(session);
            for (int i = 0; i < rows.size(); i++) {
                assertThat(micros(stored.get("mcp-" + i).get("cost_usd"))).as("stored: " + rows.get(i).name())
                        .isEqualTo(rows.get(i).expectedMicros());
            }
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void reportUsageRefusesAnUnknownModifierNamingItsFieldAndWritesNothing() {
        McpSyncClient client = mcpClient();
        try {
            McpSchema.Tool tool = client.listTools().tools().stream().filter(t -> t.name().equals("report_usage"))
                    .findFirst().orElseThrow();
            JsonNode properties = MAPPER.valueToTree(tool.inputSchema()).get("properties");
            assertThat(properties.has("service_tier") && properties.has("speed") && properties.has("inference_geo"))
                    .as(properties.toString()).isTrue();
            McpSchema.CallToolResult started = client.callTool(McpSchema.CallToolRequest.builder("start_session")
                    .arguments(Map.of("model", "claude-sonnet-4-5")).build());
            long session = MAPPER.valueToTree(started.structuredContent()).get("session_id").asLong();
            for (String field : List.of("service_tier", "speed", "inference_geo")) {
                McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("report_usage")
                        .arguments(Map.of("input_tokens", 10, "output_tokens", 1, field, "warp")).build());
                assertThat(result.isError()).as(field).isTrue();
                JsonNode error = MAPPER.valueToTree(result.meta().get(LedgerTools.ERROR_META));
                assertThat(error.get("code").asText()).isEqualTo("invalid_request");
                assertThat(error.get("details").get("field").asText()).isEqualTo(field);
            }
            assertThat(storedEvents(session)).isEmpty();
            McpSchema.CallToolResult batch = client.callTool(McpSchema.CallToolRequest.builder("report_usage")
                    .arguments(Map.of("input_tokens", 10000, "output_tokens", 2000, "service_tier", "batch"))
                    .build());
            assertThat(micros(MAPPER.valueToTree(batch.structuredContent()).get("cost_usd"))).isEqualTo(30_000);
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void theGoldenRequestsOtlpCanCarryCostTheSameThroughOtlp() {
        List<Golden> rows = GoldenRequests.all();
        int claudeCode = 0;
        int codex = 0;
        int gemini = 0;
        for (int i = 0; i < rows.size(); i++) {
            Golden g = rows.get(i);
            if (!g.serviceTier().isEmpty() || !g.geo().isEmpty()) {
                continue;
            }
            String external;
            if (g.shape().equals("anthropic")) {
                external = "cc-golden";
                postLogs("claude-code", claudeCodeRecord(g, i, external));
                claudeCode++;
            } else if (g.shape().equals("openai") && g.counts()[2] == 0 && g.speed().isEmpty()) {
                external = "codex-golden";
                postLogs("codex_exec", codexRecord(g, i, external));
                codex++;
            } else if (g.shape().equals("gemini") && g.speed().isEmpty()) {
                external = "gemini-golden";
                postLogs("gemini-cli", geminiRecord(g, i, external));
                gemini++;
            } else {
                continue;
            }
            JsonNode newest = get("/api/v1/sessions/" + capturedSession(external) + "/usage?limit=1")
                    .get("events").get(0);
            assertThat(micros(newest.get("cost_usd"))).as(g.name()).isEqualTo(g.expectedMicros());
            assertThat(newest.get("cost_source").asText()).as(g.name()).isNotEqualTo("reported");
        }
        assertThat(claudeCode).as("Anthropic rows through Claude Code's api_request").isGreaterThanOrEqualTo(30);
        assertThat(codex).as("OpenAI rows through Codex's sse_event").isGreaterThanOrEqualTo(15);
        assertThat(gemini).as("Gemini rows through Gemini CLI's api_response").isGreaterThanOrEqualTo(6);
    }

    private static Instant time(Golden g) {
        return g.time() != null ? g.time() : CHECKED_AT_DAY;
    }

    private static ObjectNode usageBody(Golden g, String eventId) {
        TokenCounts t = g.tokens();
        ObjectNode body = MAPPER.createObjectNode()
                .put("input_tokens", t.input())
                .put("output_tokens", t.output())
                .put("cache_creation_input_tokens", t.cacheCreation())
                .put("cache_creation_1h_input_tokens", t.cacheCreation1h())
                .put("cache_read_input_tokens", t.cacheRead())
                .put("event_id", eventId);
        putIfSet(body, "model", g.model());
        putIfSet(body, "service_tier", g.serviceTier());
        putIfSet(body, "speed", g.speed());
        putIfSet(body, "inference_geo", g.geo());
        return body;
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (!value.isEmpty()) {
            node.put(field, value);
        }
    }

    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }

    /** Claude Code's {@code api_request} without its own dollars, so our table prices it. */
    private static ObjectNode claudeCodeRecord(Golden g, int i, String session) {
        TokenCounts t = g.tokens();
        Map<String, Object> attributes = common(g, i, session, "session.id", "api_request");
        attributes.put("request_id", "req_golden_" + i);
        attributes.put("input_tokens", t.input());
        attributes.put("output_tokens", t.output());
        attributes.put("cache_creation_tokens", t.cacheCreation());
        attributes.put("cache_creation_1h_tokens", t.cacheCreation1h());
        attributes.put("cache_read_tokens", t.cacheRead());
        if (!g.speed().isEmpty()) {
            attributes.put("speed", g.speed());
        }
        return record("claude_code.api_request", attributes);
    }

    /** Codex's {@code sse_event} of a completed response: prompt tokens include the cached ones. */
    private static ObjectNode codexRecord(Golden g, int i, String session) {
        long[] c = g.counts();
        Map<String, Object> attributes = common(g, i, session, "conversation.id", "codex.sse_event");
        attributes.put("event.kind", "response.completed");
        attributes.put("input_token_count", c[0]);
        attributes.put("cached_token_count", c[1]);
        attributes.put("output_token_count", c[3]);
        return record("codex.sse_event", attributes);
    }

    /** Gemini CLI's {@code api_response}: prompt includes cached; thoughts are billed as output. */
    private static ObjectNode geminiRecord(Golden g, int i, String session) {
        long[] c = g.counts();
        Map<String, Object> attributes = common(g, i, session, "session.id", "gemini_cli.api_response");
        attributes.put("input_token_count", c[0]);
        attributes.put("cached_content_token_count", c[1]);
        attributes.put("output_token_count", c[2]);
        attributes.put("thoughts_token_count", c[3]);
        return record("gemini_cli.api_response", attributes);
    }

    private static Map<String, Object> common(Golden g, int i, String session, String sessionKey, String name) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(sessionKey, session);
        attributes.put("event.name", name);
        attributes.put("event.timestamp", time(g).toString());
        attributes.put("event.sequence", (long) i);
        if (!g.model().isEmpty()) {
            attributes.put("model", g.model());
        }
        return attributes;
    }

    private static ObjectNode record(String body, Map<String, Object> attributes) {
        ObjectNode record = MAPPER.createObjectNode();
        record.putObject("body").put("stringValue", body);
        ArrayNode list = record.putArray("attributes");
        attributes.forEach((k, v) -> {
            ObjectNode value = list.addObject().put("key", k).putObject("value");
            if (v instanceof Long) {
                value.put("intValue", v.toString());
            } else {
                value.put("stringValue", (String) v);
            }
        });
        return record;
    }

    private void postLogs(String service, ObjectNode record) {
        ObjectNode body = MAPPER.createObjectNode();
        ObjectNode resourceLogs = body.putArray("resourceLogs").addObject();
        resourceLogs.putObject("resource").putArray("attributes").addObject().put("key", "service.name")
                .putObject("value").put("stringValue", service);
        resourceLogs.putArray("scopeLogs").addObject().putArray("logRecords").add(record);
        JsonNode answer = post("/v1/logs", "application/json", body.toString(), 200);
        assertThat(answer.path("partialSuccess").path("rejectedLogRecords").asLong(0)).as(answer.toString())
                .isZero();
    }

    private long capturedSession(String externalId) {
        for (JsonNode s : get("/api/v1/agents/golden/sessions?limit=500").get("sessions")) {
            if (externalId.equals(s.path("external_id").asText())) {
                return s.get("id").asLong();
            }
        }
        throw new AssertionError("no captured session " + externalId);
    }

    private long restSession() {
        return post("/api/v1/agents/golden/sessions", "application/json", "{}", 201).get("id").asLong();
    }

    /** The session's events by event id, read through {@code GET /sessions/{id}/usage}. */
    private Map<String, JsonNode> storedEvents(long session) {
        Map<String, JsonNode> events = new LinkedHashMap<>();
        get("/api/v1/sessions/" + session + "/usage?limit=1000").get("events")
                .forEach(e -> events.put(e.get("event_id").asText(), e));
        return events;
    }

    private static long micros(JsonNode dollars) {
        return dollars.decimalValue().movePointRight(6).setScale(0, RoundingMode.UNNECESSARY)
                .longValueExact();
    }

    private McpSyncClient mcpClient() {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + bridge.port())
                .endpoint("/mcp")
                .jsonMapper(new JacksonMcpJsonMapper(MAPPER))
                .requestBuilder(HttpRequest.newBuilder().header("X-API-Key", key))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        return client;
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), 200);
    }

    private JsonNode post(String path, String contentType, String body, int status) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)), status);
    }

    private JsonNode send(HttpRequest.Builder request, int status) {
        try {
            HttpResponse<String> response = http.send(request.header("X-API-Key", key)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + bridge.port() + path);
    }
}
