package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.entourage.http.json.PriceSchemas;
import dev.entourage.ledger.access.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prices changed without a restart: {@code POST /prices/reload} (admins) and the watch of the {@code --prices} file
 * put a new row in force for the next report; a file that does not parse keeps the old table;
 * {@code GET /prices/{model}} shows the rates in force.
 */
class PriceRoutesTest {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final String HEADER = "model,match,input,output,cache_write_5m,cache_write_1h,cache_read";
    private static final String MILLION_IN = "{\"input_tokens\": 1000000, \"output_tokens\": 0}";

    @TempDir
    Path dir;

    private Path file;
    private Harness h;

    @BeforeEach
    void start() throws IOException {
        file = dir.resolve("prices.csv");
        Files.write(file, List.of(HEADER, "house-model-1,exact,2,2,2,2,2"));
        h = Harness.withPrices(dir, file);
        assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private long session() {
        Harness.Answer started = h.admin("POST", "/api/v1/agents/eng-1/sessions", "{\"model\": \"house-model-1\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        return started.json().path("id").asLong();
    }

    private Harness.Answer report(long session) {
        return h.admin("POST", "/api/v1/sessions/" + session + "/usage", MILLION_IN);
    }

    @Test
    void anAdminReloadsTheFileAndTheNextReportIsPricedByTheNewRow() throws IOException {
        long session = session();
        assertThat(report(session).json().path("cost_usd").decimalValue()).isEqualByComparingTo("2");
        JsonNode before = h.admin("GET", "/api/v1/prices/house-model-1", null).json();
        assertThat(REGISTRY.getSchema(PriceSchemas.price()).validate(before)).isEmpty();
        assertThat(before.path("input_usd_per_mtok").decimalValue()).isEqualByComparingTo("2");
        assertThat(before.path("unpriced").asBoolean()).isFalse();

        Files.write(file, List.of(HEADER, "house-model-1,exact,3,3,3,3,3"));
        Harness.Answer reload = h.admin("POST", "/api/v1/prices/reload", null);

        assertThat(reload.status()).as(reload.toString()).isEqualTo(200);
        assertThat(REGISTRY.getSchema(PriceSchemas.reload()).validate(reload.json())).isEmpty();
        assertThat(reload.json().path("rows").asInt()).isEqualTo(h.ledger.prices().rows().size());
        assertThat(reload.json().path("version").asText()).isEqualTo(h.ledger.prices().book().version());
        assertThat(reload.json().path("file").asText()).isEqualTo("prices.csv");
        Harness.Answer after = report(session);
        assertThat(after.json().path("cost_usd").decimalValue()).isEqualByComparingTo("3");
        assertThat(after.json().path("cost_source").asText()).isEqualTo("priced");
        assertThat(h.admin("GET", "/api/v1/prices/house-model-1", null).json().path("input_usd_per_mtok")
                .decimalValue()).isEqualByComparingTo("3");
        assertThat(h.admin("GET", "/api/v1/sessions/" + session + "/usage", null).json().at("/events/1/cost_usd")
                .decimalValue()).as("history keeps its price").isEqualByComparingTo("2");
    }

    @Test
    void aFileThatDoesNotParseKeepsTheOldTableAndSaysWhereItIsWrong() throws IOException {
        long session = session();
        Files.write(file, List.of(HEADER, "house-model-1,exact,lots,3,3,3,3"));

        Harness.Answer reload = h.admin("POST", "/api/v1/prices/reload", null);

        assertThat(reload.status()).isEqualTo(400);
        assertThat(reload.json().at("/error/details/field").asText()).isEqualTo("prices");
        assertThat(reload.json().at("/error/message").asText()).contains("prices.csv:2");
        assertThat(report(session).json().path("cost_usd").decimalValue()).isEqualByComparingTo("2");
    }

    @Test
    void onlyAnAdminReloadsAndAnyCredentialReadsAPrice() {
        assertThat(h.as(h.key(Role.VIEWER, null), "POST", "/api/v1/prices/reload", null).status()).isEqualTo(403);
        assertThat(h.as(h.key(Role.AGENT, "eng-1"), "POST", "/api/v1/prices/reload", null).status()).isEqualTo(403);
        assertThat(h.call("POST", "/api/v1/prices/reload", null).status()).isEqualTo(401);
        JsonNode unknown = h.as(h.key(Role.AGENT, "eng-1"), "GET", "/api/v1/prices/mystery-model-9", null).json();
        assertThat(unknown.path("unpriced").asBoolean()).isTrue();
        assertThat(unknown.path("rule").asText()).isEqualTo("default");
    }

    @Test
    void theWatchPicksUpAChangedFileAndIgnoresABrokenOne() throws Exception {
        long session = session();
        AutoCloseable watch = h.ledger.watchPrices(Duration.ofMillis(100));
        try {
            Files.write(file, List.of(HEADER, "house-model-1,exact,lots,3,3,3,3"));
            Thread.sleep(1_000);
            assertThat(report(session).json().path("cost_usd").decimalValue()).isEqualByComparingTo("2");

            Files.write(file, List.of(HEADER, "house-model-1,exact,4,4,4,4,4"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (h.ledger.prices().find("house-model-1").orElseThrow().inputPerMtok() != 4_000_000L
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(report(session).json().path("cost_usd").decimalValue()).isEqualByComparingTo("4");
        } finally {
            watch.close();
        }
    }
}
