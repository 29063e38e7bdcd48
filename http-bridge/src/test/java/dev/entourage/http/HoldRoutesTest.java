package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.ledger.access.Role;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /agents/{id}/budget/holds}, {@code DELETE /holds/{id}} and usage with {@code hold_id}. */
class HoldRoutesTest {
    @TempDir
    Path dir;

    private Harness h;
    private String agentKey;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}").status()).isEqualTo(201);
        assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-2\"}").status()).isEqualTo(201);
        assertThat(h.admin("PATCH", "/api/v1/settings/teams/default", "{\"daily_cost_limit_usd\": 1.00}").status())
                .isEqualTo(200);
        agentKey = h.key(Role.AGENT, "eng-1");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private Harness.Answer reserve(String key, String agent, String body) {
        return h.as(key, "POST", "/api/v1/agents/" + agent + "/budget/holds", body);
    }

    @Test
    void reservesSettlesAndRefusesWhatDoesNotFit() {
        long session = h.as(agentKey, "POST", "/api/v1/agents/eng-1/sessions", "{}").json().get("id").asLong();

        Harness.Answer held = reserve(agentKey, "eng-1", "{\"estimated_cost_usd\": 0.40}");
        assertThat(held.status()).as(held.toString()).isEqualTo(201);
        JsonNode hold = held.json();
        String holdId = hold.get("hold_id").asText();
        assertThat(hold.get("expires_at").asText()).endsWith("Z");
        assertThat(hold.get("budget").get("team_daily_held_usd").decimalValue()).isEqualByComparingTo("0.4");
        assertThat(hold.get("budget").get("team_daily_remaining_usd").decimalValue()).isEqualByComparingTo("0.6");
        assertThat(held.header("Location")).isEqualTo("/api/v1/holds/" + holdId);
        assertThat(h.as(agentKey, "GET", "/api/v1/holds/" + holdId, null).json().get("status").asText())
                .isEqualTo("held");

        Harness.Answer refused = reserve(agentKey, "eng-1", "{\"estimated_cost_usd\": 0.70}");
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.errorCode()).isEqualTo("budget_exceeded");
        JsonNode details = refused.json().get("error").get("details");
        assertThat(details.get("scope").asText()).isEqualTo("team_daily");
        assertThat(details.get("remaining_usd").decimalValue()).isEqualByComparingTo("0.6");
        assertThat(details.get("budget").get("over_budget").asBoolean()).isTrue();
        JsonNode violation = details.get("budget").get("violations").get(0);
        assertThat(violation.get("scope").asText()).isEqualTo("team_daily");
        assertThat(violation.get("held_usd").decimalValue()).isEqualByComparingTo("0.4");
        assertThat(violation.get("estimated_cost_usd").decimalValue()).isEqualByComparingTo("0.7");

        Harness.Answer usage = h.as(agentKey, "POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 10, \"output_tokens\": 10, \"cost_usd\": 0.25, \"hold_id\": \"" + holdId + "\"}");
        assertThat(usage.status()).as(usage.toString()).isEqualTo(201);
        assertThat(usage.json().get("hold_id").asText()).isEqualTo(holdId);
        assertThat(usage.json().get("hold_status").asText()).isEqualTo("settled");
        assertThat(usage.json().get("budget").get("team_daily_held_usd").decimalValue()).isEqualByComparingTo("0");
        assertThat(usage.json().get("budget").get("team_daily_spent_usd").decimalValue()).isEqualByComparingTo("0.25");

        Harness.Answer again = h.as(agentKey, "POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 1, \"output_tokens\": 1, \"cost_usd\": 0.01, \"hold_id\": \"" + holdId + "\"}");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("error").get("details").get("field").asText()).isEqualTo("hold_id");
        JsonNode budget = h.as(agentKey, "GET", "/api/v1/agents/eng-1/budget", null).json();
        assertThat(budget.get("daily_held_usd").decimalValue()).isEqualByComparingTo("0");
        assertThat(budget.get("team_daily_spent_usd").decimalValue()).isEqualByComparingTo("0.25");
    }

    @Test
    void releasesAHoldOnceAndKeepsTheRoles() {
        String holdId = reserve(agentKey, "eng-1", "{\"estimated_cost_usd\": 0.9}").json().get("hold_id").asText();
        String otherAgent = h.key(Role.AGENT, "eng-2");
        String viewer = h.key(Role.VIEWER, null);

        assertThat(reserve(otherAgent, "eng-1", "{\"estimated_cost_usd\": 0.01}").status()).isEqualTo(403);
        assertThat(reserve(viewer, "eng-1", "{\"estimated_cost_usd\": 0.01}").status()).isEqualTo(403);
        assertThat(reserve(otherAgent, "eng-2", "{\"estimated_cost_usd\": 0.2}").status())
                .as("eng-1's hold counts for eng-2 too").isEqualTo(402);
        assertThat(h.as(otherAgent, "DELETE", "/api/v1/holds/" + holdId, null).status()).isEqualTo(403);
        assertThat(h.as(viewer, "DELETE", "/api/v1/holds/" + holdId, null).status()).isEqualTo(403);

        Harness.Answer released = h.as(agentKey, "DELETE", "/api/v1/holds/" + holdId, null);
        assertThat(released.status()).as(released.toString()).isEqualTo(200);
        assertThat(released.json().get("status").asText()).isEqualTo("released");
        Harness.Answer twice = h.admin("DELETE", "/api/v1/holds/" + holdId, null);
        assertThat(twice.status()).isEqualTo(200);
        assertThat(twice.json()).isEqualTo(released.json());
        assertThat(reserve(otherAgent, "eng-2", "{\"estimated_cost_usd\": 0.2}").status()).isEqualTo(201);
        assertThat(h.admin("DELETE", "/api/v1/holds/no-such-hold", null).status()).isEqualTo(404);
    }

    @Test
    void refusesBadReservations() {
        for (String body : new String[] {"{}", "{\"estimated_cost_usd\": -1}", "{\"estimated_cost_usd\": 10001}",
                "{\"estimated_cost_usd\": \"lots\"}"}) {
            Harness.Answer answer = reserve(agentKey, "eng-1", body);
            assertThat(answer.status()).as(body).isEqualTo(400);
            assertThat(answer.json().get("error").get("details").get("field").asText())
                    .isEqualTo("estimated_cost_usd");
        }
        Harness.Answer typo = reserve(agentKey, "eng-1", "{\"estimated_cost\": 0.1}");
        assertThat(typo.status()).isEqualTo(400);
        assertThat(reserve(agentKey, "eng-1", "{\"estimated_cost_usd\": 0.1, \"task_id\": 999}").status())
                .isEqualTo(404);
    }
}
