package dev.entourage.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.access.Role;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.store.SqliteLedgerStore;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A real bridge for a test: a SQLite file under the test's directory, the ledger and access services over it,
 * Jetty on a free port, an admin key of the default team, and a {@code java.net.http} client.
 */
final class Harness implements AutoCloseable {
    static final int GENEROUS_RPM = 1_000_000;

    final SqliteLedgerStore store;
    final LedgerServices ledger;
    final AccessService access;
    final HttpBridge bridge;
    final Team team;
    final String adminKey;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Harness(SqliteLedgerStore store, LedgerServices ledger, AccessService access, HttpBridge bridge, Team team,
                    String adminKey) {
        this.store = store;
        this.ledger = ledger;
        this.access = access;
        this.bridge = bridge;
        this.team = team;
        this.adminKey = adminKey;
    }

    /** A bridge with authentication and a rate limit too high to matter. */
    static Harness start(Path dir) {
        return start(dir, new BridgeConfig("127.0.0.1", 0, GENEROUS_RPM, false), Map.of());
    }

    static Harness start(Path dir, BridgeConfig config, Map<String, HttpServlet> extras) {
        return start(dir, config, extras, null);
    }

    /** A bridge whose prices are the bundled table with {@code prices} layered on top ({@code --prices FILE}). */
    static Harness withPrices(Path dir, Path prices) {
        return start(dir, new BridgeConfig("127.0.0.1", 0, GENEROUS_RPM, false), Map.of(), prices);
    }

    private static Harness start(Path dir, BridgeConfig config, Map<String, HttpServlet> extras, Path prices) {
        Clock clock = Clock.systemUTC();
        SqliteLedgerStore store = SqliteLedgerStore.open(dir.resolve("entourage.db"),
                SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock);
        LedgerServices ledger = new LedgerServices(store, prices == null ? PriceTable.bundled()
                : PriceTable.layered(prices), prices, clock, LedgerServices.DEFAULT_HOLD_TTL);
        Team team = ledger.settings().ensureDefaultTeam();
        AccessService access = new AccessService(store, clock, ledger.events());
        String adminKey = access.createKey(Team.DEFAULT_NAME, Role.ADMIN, null, "test admin").secret();
        HttpBridge bridge;
        try {
            bridge = HttpBridge.start(config, ledger, access, extras);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return new Harness(store, ledger, access, bridge, team, adminKey);
    }

    /** A new key of the default team. */
    String key(Role role, String agent) {
        return access.createKey(Team.DEFAULT_NAME, role, agent, null).secret();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + bridge.port() + path);
    }

    /**
     * Sends a request.
     *
     * @param body    null for none
     * @param headers name, value, name, value…
     */
    Answer call(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return send(request.build());
    }

    Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** As the admin, with a JSON body when {@code body} is not null. */
    Answer admin(String method, String path, String body) {
        return as(adminKey, method, path, body);
    }

    Answer as(String key, String method, String path, String body) {
        return body == null ? call(method, path, null, "X-API-Key", key)
                : call(method, path, body, "X-API-Key", key, "Content-Type", "application/json");
    }

    @Override
    public void close() {
        bridge.close();
        store.close();
    }

    /** An answer: status, headers and body. */
    record Answer(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String errorCode() {
            return json().path("error").path("code").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
