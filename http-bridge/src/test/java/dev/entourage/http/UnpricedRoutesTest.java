package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.entourage.http.json.ReportSchemas;
import dev.entourage.http.json.SettingsSchemas;
import dev.entourage.ledger.access.Role;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models without a price over REST: {@code cost_source "unpriced"} in the usage answer and the session's events,
 * their spend apart in costs (JSON and CSV) and the dashboard, and {@code refuse_unpriced_models}.
 */
class UnpricedRoutesTest {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final String HUNDRED_K_IN = "{\"input_tokens\": 100000, \"output_tokens\": 0}";

    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private long session(String model) {
        Harness.Answer started = h.admin("POST", "/api/v1/agents/eng-1/sessions",
                model == null ? "{}" : "{\"model\": \"" + model + "\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        return started.json().path("id").asLong();
    }

    private Harness.Answer report(long session, String body) {
        return h.admin("POST", "/api/v1/sessions/" + session + "/usage", body);
    }

    @Test
    void aModelWithoutAPriceIsUnpricedInTheAnswerAndTheEventsAndApartInCostsAndTheDashboard() {
        long mystery = session("mystery-model-9");
        long sonnet = session("claude-sonnet-4-20250514");

        Harness.Answer unpriced = report(mystery, HUNDRED_K_IN);
        Harness.Answer priced = report(sonnet, HUNDRED_K_IN);

        assertThat(unpriced.status()).as(unpriced.toString()).isEqualTo(201);
        assertThat(unpriced.json().path("cost_source").asText()).isEqualTo("unpriced");
        assertThat(unpriced.json().path("cost_usd").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(priced.json().path("cost_source").asText()).isEqualTo("priced");
        assertThat(h.admin("GET", "/api/v1/sessions/" + mystery + "/usage", null).json()
                .at("/events/0/cost_source").asText()).isEqualTo("unpriced");

        JsonNode costs = h.admin("GET", "/api/v1/teams/default/costs", null).json();
        assertThat(REGISTRY.getSchema(ReportSchemas.costs()).validate(costs)).isEmpty();
        assertThat(costs.path("total_cost_usd").decimalValue()).isEqualByComparingTo("0.8");
        assertThat(costs.path("unpriced_usd").decimalValue()).isEqualByComparingTo("0.5");
        for (JsonNode row : costs.path("sessions")) {
            assertThat(row.path("unpriced_usd").decimalValue()).as(row.toString())
                    .isEqualByComparingTo(row.path("session_id").asLong() == mystery ? "0.5" : "0");
        }
        for (JsonNode row : costs.path("by_model")) {
            assertThat(row.path("unpriced_usd").decimalValue()).as(row.toString())
                    .isEqualByComparingTo(row.path("model").asText().equals("mystery-model-9") ? "0.5" : "0");
        }

        String csv = h.admin("GET", "/api/v1/teams/default/costs?format=csv", null).body();
        assertThat(csv.lines().findFirst().orElseThrow()).endsWith(",unpriced_usd");
        assertThat(csv).contains(",mystery-model-9,0.5,").containsPattern("(?m)^" + mystery + ",.*,0\\.5\\r?$");
        String byModel = h.admin("GET", "/api/v1/teams/default/costs?format=csv&by=model", null).body();
        assertThat(byModel).containsPattern("(?m)^mystery-model-9,0\\.5,100000,0,1,0\\.5\\r?$")
                .containsPattern("(?m)^total,0\\.8,200000,0,2,0\\.5\\r?$");

        JsonNode dashboard = h.admin("GET", "/api/v1/dashboard", null).json();
        assertThat(REGISTRY.getSchema(ReportSchemas.dashboard()).validate(dashboard)).isEmpty();
        assertThat(dashboard.at("/today/unpriced_usd").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(dashboard.at("/today/unpriced_models/0/model").asText()).isEqualTo("mystery-model-9");
        assertThat(dashboard.at("/today/unpriced_sessions/0/session_id").asLong()).isEqualTo(mystery);
        assertThat(dashboard.at("/today/unpriced_sessions").size()).isEqualTo(1);
    }

    @Test
    void aRefusingTeamRefusesSessionsAndReportsOnUnpricedModelsWritingNothing() {
        Harness.Answer patched = h.admin("PATCH", "/api/v1/settings/teams/default", "{\"refuse_unpriced_models\": true}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().path("refuse_unpriced_models").asBoolean()).isTrue();
        assertThat(REGISTRY.getSchema(SettingsSchemas.team()).validate(patched.json())).isEmpty();
        assertThat(h.admin("GET", "/api/v1/dashboard", null).json().at("/team/refuse_unpriced_models").asBoolean())
                .isTrue();

        Harness.Answer refused = h.admin("POST", "/api/v1/agents/eng-1/sessions", "{\"model\": \"mystery-model-9\"}");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("invalid_request");
        assertThat(refused.json().at("/error/details/field").asText()).isEqualTo("model");
        assertThat(refused.json().at("/error/message").asText()).contains("mystery-model-9")
                .contains("refuse_unpriced_models");
        assertThat(h.admin("GET", "/api/v1/agents/eng-1/sessions", null).json().path("sessions")).isEmpty();

        long open = session(null);
        Harness.Answer unpricedReport = report(open, "{\"input_tokens\": 10, \"output_tokens\": 0, "
                + "\"model\": \"mystery-model-9\"}");
        assertThat(unpricedReport.status()).as(unpricedReport.toString()).isEqualTo(400);
        assertThat(unpricedReport.json().at("/error/details/field").asText()).isEqualTo("model");
        assertThat(h.admin("GET", "/api/v1/sessions/" + open + "/usage", null).json().path("events")).isEmpty();
        Harness.Answer reported = report(open, "{\"input_tokens\": 10, \"output_tokens\": 0, "
                + "\"model\": \"mystery-model-9\", \"cost_usd\": 0.01}");
        assertThat(reported.status()).as(reported.toString()).isEqualTo(201);
        assertThat(reported.json().path("cost_source").asText()).isEqualTo("reported");

        Harness.Answer off = h.admin("PATCH", "/api/v1/settings/teams/default", "{\"refuse_unpriced_models\": false}");
        assertThat(off.json().path("refuse_unpriced_models").asBoolean()).isFalse();
        assertThat(session("mystery-model-9")).isPositive();
    }

    @Test
    void onlyAnAdminChangesTheSettingAndBadValuesAreRefusedNamingTheField() {
        String viewer = h.key(Role.VIEWER, null);
        String agent = h.key(Role.AGENT, "eng-1");
        String body = "{\"refuse_unpriced_models\": true}";

        assertThat(h.as(viewer, "PATCH", "/api/v1/settings/teams/default", body).status()).isEqualTo(403);
        assertThat(h.as(agent, "PATCH", "/api/v1/settings/teams/default", body).status()).isEqualTo(403);
        Harness.Answer notBool = h.admin("PATCH", "/api/v1/settings/teams/default",
                "{\"refuse_unpriced_models\": \"yes\"}");
        assertThat(notBool.status()).isEqualTo(400);
        assertThat(notBool.json().at("/error/details/field").asText()).isEqualTo("refuse_unpriced_models");
        Harness.Answer nullFlag = h.admin("PATCH", "/api/v1/settings/teams/default",
                "{\"refuse_unpriced_models\": null}");
        assertThat(nullFlag.status()).isEqualTo(400);
        assertThat(h.admin("GET", "/api/v1/dashboard", null).json().at("/team/refuse_unpriced_models").asBoolean())
                .as("nothing was changed").isFalse();
    }
}
