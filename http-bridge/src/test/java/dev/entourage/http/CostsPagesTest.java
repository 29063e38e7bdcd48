package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /teams/{id}/costs}: the top sessions by cost in pages, totals over all of them, CSV of every row. */
class CostsPagesTest {
    @TempDir
    Path dir;

    private Harness h;
    private final List<Long> byCost = new ArrayList<>();

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}").status()).isEqualTo(201);
        // costs 0.07, 0.06 … 0.01 and two of 0.03: ties go by session id
        for (String cost : List.of("0.03", "0.07", "0.01", "0.05", "0.03", "0.06", "0.02")) {
            long id = h.admin("POST", "/api/v1/agents/eng-1/sessions", "{}").json().get("id").asLong();
            assertThat(h.admin("POST", "/api/v1/sessions/" + id + "/usage",
                    "{\"input_tokens\": 10, \"output_tokens\": 1, \"cost_usd\": " + cost + "}").status()).isEqualTo(201);
            byCost.add(id);
        }
        List<Long> ids = new ArrayList<>(byCost);
        byCost.clear();
        for (int i : new int[] {1, 5, 3, 0, 4, 6, 2}) {
            byCost.add(ids.get(i));
        }
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void pagesListTheTopSessionsByCostWithExactTotalsAndANullCursorAtTheEnd() {
        JsonNode first = h.admin("GET", "/api/v1/teams/default/costs?limit=3", null).json();
        assertThat(first.get("total_cost_usd").decimalValue()).isEqualByComparingTo("0.27");
        assertThat(first.get("total_input_tokens").asLong()).isEqualTo(70);
        assertThat(first.get("session_count").asInt()).isEqualTo(7);
        assertThat(first.get("by_agent").get(0).get("sessions").asInt()).isEqualTo(7);
        assertThat(first.get("sessions")).hasSize(3);
        List<Long> seen = new ArrayList<>();
        JsonNode page = first;
        while (true) {
            page.get("sessions").forEach(s -> seen.add(s.get("session_id").asLong()));
            if (page.get("next_cursor").isNull()) {
                break;
            }
            page = h.admin("GET", "/api/v1/teams/default/costs?limit=3&cursor=" + page.get("next_cursor").asText(),
                    null).json();
            assertThat(page.get("total_cost_usd").decimalValue()).isEqualByComparingTo("0.27");
        }
        assertThat(seen).containsExactlyElementsOf(byCost);
        assertThat(h.admin("GET", "/api/v1/teams/default/costs", null).json().get("sessions")).hasSize(7);
    }

    @Test
    void csvStreamsEverySessionWhateverThePageSize() {
        Harness.Answer csv = h.admin("GET", "/api/v1/teams/default/costs?format=csv&limit=2", null);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(8);
        assertThat(lines[0]).startsWith("session_id,");
        List<Long> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            rows.add(Long.parseLong(lines[i].substring(0, lines[i].indexOf(','))));
        }
        assertThat(rows).containsExactlyElementsOf(byCost);
        assertThat(h.admin("GET", "/api/v1/teams/default/costs?format=csv&by=agent", null).body())
                .endsWith("total,,0.27,70,7,7\r\n");
    }

    @Test
    void aBadLimitOrCursorIsRefusedNamingIt() {
        for (String bad : List.of("limit=0", "limit=501", "limit=ten")) {
            Harness.Answer answer = h.admin("GET", "/api/v1/teams/default/costs?" + bad, null);
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.json().get("error").get("message").asText()).as(bad).contains("limit");
        }
        for (String bad : List.of("nonsense", "eDo1", "%2F%2F")) {
            Harness.Answer answer = h.admin("GET", "/api/v1/teams/default/costs?cursor=" + bad, null);
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.json().get("error").get("message").asText()).as(bad).contains("cursor");
        }
    }
}
