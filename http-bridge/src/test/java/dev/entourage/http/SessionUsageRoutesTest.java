package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.entourage.http.json.ReportSchemas;
import dev.entourage.ledger.access.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /sessions/{id}/usage}: a session's usage events for the dashboard's drill-down, newest first, in pages. */
class SessionUsageRoutesTest {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @TempDir
    Path dir;

    private Harness h;
    private long session;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}");
        h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-2\"}");
        long task = h.admin("POST", "/api/v1/teams/default/tasks", "{\"title\": \"Fix login\"}").json().get("id").asLong();
        session = h.admin("POST", "/api/v1/agents/eng-1/sessions", "{\"task_id\": " + task
                + ", \"model\": \"claude-sonnet-4\"}").json().get("id").asLong();
        report("{\"input_tokens\": 100, \"output_tokens\": 20, \"cost_usd\": 0.25, \"event_id\": \"first\"}");
        report("{\"input_tokens\": 1000, \"output_tokens\": 200, \"event_id\": \"second\"}");
        report("{\"input_tokens\": 10, \"output_tokens\": 2, \"model\": \"no-such-model\", \"event_id\": \"third\"}");
        h.admin("POST", "/api/v1/sessions/" + session + "/kill", "{\"reason\": \"looping on the same test\"}");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private void report(String body) {
        Harness.Answer answer = h.admin("POST", "/api/v1/sessions/" + session + "/usage", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    }

    @Test
    void listsTheEventsNewestFirstWithTheSessionsStopAndTask() {
        Harness.Answer answer = h.as(h.key(Role.VIEWER, null), "GET", "/api/v1/sessions/" + session + "/usage", null);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode page = answer.json();
        assertThat(REGISTRY.getSchema(ReportSchemas.sessionUsage()).validate(page)).isEmpty();
        assertThat(page.get("session").get("status").asText()).isEqualTo("killed");
        assertThat(page.get("session").get("stop_reason").asText()).isEqualTo("killed");
        assertThat(page.get("session").get("stop_detail").asText()).isEqualTo("looping on the same test");
        assertThat(page.get("session").get("task_id").isNumber()).isTrue();
        List<String> ids = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        page.get("events").forEach(e -> {
            ids.add(e.get("event_id").asText());
            sources.add(e.get("cost_source").asText());
        });
        assertThat(ids).containsExactly("third", "second", "first");
        assertThat(sources).containsExactly("unpriced", "priced", "reported");
        JsonNode first = page.get("events").get(2);
        assertThat(first.get("cost_usd").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(first.get("input_tokens").asLong()).isEqualTo(100);
        assertThat(first.get("model").asText()).isEqualTo("claude-sonnet-4");
        assertThat(first.get("reported_at").asText()).endsWith("Z");
        assertThat(page.get("next_before").isNull()).isTrue();
    }

    @Test
    void pagesWithLimitAndBefore() {
        JsonNode first = h.admin("GET", "/api/v1/sessions/" + session + "/usage?limit=2", null).json();
        assertThat(first.get("events")).hasSize(2);
        long before = first.get("next_before").asLong();

        JsonNode second = h.admin("GET", "/api/v1/sessions/" + session + "/usage?limit=2&before=" + before, null).json();

        assertThat(second.get("events")).hasSize(1);
        assertThat(second.get("events").get(0).get("event_id").asText()).isEqualTo("first");
        assertThat(second.get("next_before").isNull()).isTrue();
    }

    @Test
    void anAgentKeySeesOnlyItsOwnSessionsAndBadParametersAreNamed() {
        assertThat(h.as(h.key(Role.AGENT, "eng-1"), "GET", "/api/v1/sessions/" + session + "/usage", null).status())
                .isEqualTo(200);
        assertThat(h.as(h.key(Role.AGENT, "eng-2"), "GET", "/api/v1/sessions/" + session + "/usage", null).status())
                .isEqualTo(403);
        assertThat(h.admin("GET", "/api/v1/sessions/999999/usage", null).errorCode()).isEqualTo("not_found");
        Harness.Answer zero = h.admin("GET", "/api/v1/sessions/" + session + "/usage?limit=0", null);
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.json().path("error").path("details").path("field").asText()).isEqualTo("limit");
        Harness.Answer bad = h.admin("GET", "/api/v1/sessions/" + session + "/usage?before=x", null);
        assertThat(bad.json().path("error").path("details").path("field").asText()).isEqualTo("before");
        assertThat(h.admin("GET", "/api/v1/sessions/" + session + "/usage?since=1", null).status()).isEqualTo(400);
        assertThat(h.call("GET", "/api/v1/sessions/" + session + "/usage", null).status()).isEqualTo(401);
    }

    @Test
    void eachPriceModifierIsPricedStoredAndShown() {
        long other = h.admin("POST", "/api/v1/agents/eng-2/sessions", "{\"model\": \"claude-sonnet-4-5\"}").json()
                .get("id").asLong();
        String path = "/api/v1/sessions/" + other + "/usage";
        String tokens = "{\"input_tokens\": 10000, \"output_tokens\": 2000";
        List<String> costs = new ArrayList<>();
        for (String fields : List.of("", ", \"service_tier\": \"Batch\"",
                ", \"model\": \"claude-opus-5\", \"speed\": \"fast\"",
                ", \"model\": \"claude-opus-5-5\", \"inference_geo\": \"us\"",
                ", \"service_tier\": \"standard\", \"speed\": \"normal\", \"inference_geo\": \"not_available\"")) {
            Harness.Answer answer = h.admin("POST", path, tokens + fields + "}");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
            assertThat(answer.json().get("cost_source").asText()).isEqualTo("priced");
            costs.add(answer.json().get("cost_usd").decimalValue().stripTrailingZeros().toPlainString());
        }

        assertThat(costs).containsExactly("0.06", "0.03", "0.2", "0.088", "0.06");
        JsonNode page = h.admin("GET", path, null).json();
        assertThat(REGISTRY.getSchema(ReportSchemas.sessionUsage()).validate(page)).isEmpty();
        JsonNode events = page.get("events");
        assertThat(events.get(0).get("service_tier").asText()).isEqualTo("standard");
        assertThat(events.get(0).get("speed").asText()).isEqualTo("normal");
        assertThat(events.get(0).get("inference_geo").asText()).isEqualTo("not_available");
        assertThat(events.get(1).get("inference_geo").asText()).isEqualTo("us");
        assertThat(events.get(2).get("speed").asText()).isEqualTo("fast");
        assertThat(events.get(3).get("service_tier").asText()).isEqualTo("batch");
        assertThat(events.get(4).get("service_tier").isNull()).isTrue();
        assertThat(events.get(4).get("speed").isNull()).isTrue();
        assertThat(events.get(4).get("inference_geo").isNull()).isTrue();
    }
}
