package dev.entourage.http;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.Team;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every curl call of the cost-control guide, as written there (bodies, headers, methods), with an
 * {@code X-API-Key} added where the guide leaves it out.
 */
class CostControlGuideTest {
    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private Harness.Answer curl(String method, String path, String body, boolean json) {
        return json ? h.call(method, path, body, "Content-Type", "application/json", "X-API-Key", h.adminKey)
                : h.call(method, path, body, "X-API-Key", h.adminKey);
    }

    @Test
    void everyCallOfTheGuideWorksAsWritten() {
        for (int i = 1; i < 594; i++) {
            h.ledger.settings().createTask(Actor.local(), Ref.parse(Team.DEFAULT_NAME), new NewTask("filler " + i, null, null, List.of(), null));
        }
        long teamId = h.team.id();
        Harness.Answer agent = h.admin("POST", "/api/v1/teams/" + teamId + "/agents", "{\"name\": \"eng-1\"}");
        assertThat(agent.status()).as(agent.toString()).isEqualTo(201);
        long agentId = agent.json().get("id").asLong();
        assertThat(h.admin("PATCH", "/api/v1/settings/agents/eng-1", "{\"daily_limit_usd\": 5.00}").status())
                .isEqualTo(200);

        Harness.Answer task = curl("POST", "/api/v1/teams/" + teamId + "/tasks", """
                {
                "title": "Fix typo in README",
                "priority": "low",
                "task_type": "bugfix",
                "tags": ["budget:0.50"]
                }""", true);
        assertThat(task.status()).as(task.toString()).isEqualTo(201);
        assertThat(task.json().get("id").asLong()).isEqualTo(594);
        assertThat(task.json().get("budget_usd").decimalValue()).isEqualByComparingTo("0.50");
        assertThat(task.header("Location")).isEqualTo("/api/v1/tasks/594");

        Harness.Answer session = curl("POST", "/api/v1/agents/" + agentId + "/sessions", """
                {
                "task_id": 594,
                "model": "claude-sonnet-4-20250514"
                }""", true);
        assertThat(session.status()).as(session.toString()).isEqualTo(201);
        JsonNode s = session.json();
        assertThat(s.get("agent_name").asText()).isEqualTo("eng-1");
        assertThat(s.get("task_id").asLong()).isEqualTo(594);
        assertThat(s.get("model").asText()).isEqualTo("claude-sonnet-4-20250514");
        assertThat(s.get("status").asText()).isEqualTo("active");
        long sessionId = s.get("id").asLong();

        Harness.Answer usage = curl("POST", "/api/v1/sessions/" + sessionId + "/usage", """
                {
                "input_tokens": 2500,
                "output_tokens": 800,
                "cost_usd": 0.012
                }""", true);
        assertThat(usage.status()).as(usage.toString()).isEqualTo(201);
        assertThat(usage.json().get("cost_usd").decimalValue()).isEqualByComparingTo("0.012");
        assertThat(usage.json().get("cost_source").asText()).isEqualTo("reported");
        assertThat(usage.json().get("action").asText()).isEqualTo("continue");
        assertThat(usage.json().get("duplicate").asBoolean()).isFalse();

        Harness.Answer budget = curl("GET", "/api/v1/agents/" + agentId + "/budget", null, false);
        assertThat(budget.status()).as(budget.toString()).isEqualTo(200);
        JsonNode b = budget.json();
        assertThat(b.get("daily_limit_usd").decimalValue()).isEqualByComparingTo("5.00");
        assertThat(b.get("daily_spent_usd").decimalValue()).isEqualByComparingTo("0.012");
        assertThat(b.get("daily_remaining_usd").decimalValue()).isEqualByComparingTo("4.988");
        assertThat(b.get("task_limit_usd").decimalValue()).isEqualByComparingTo("0.50");
        assertThat(b.get("task_spent_usd").decimalValue()).isEqualByComparingTo("0.012");
        assertThat(b.get("over_budget").asBoolean()).isFalse();

        Harness.Answer end = curl("POST", "/api/v1/sessions/" + sessionId + "/end", null, false);
        assertThat(end.status()).as(end.toString()).isEqualTo(200);
        assertThat(end.json().get("status").asText()).isEqualTo("ended");
        assertThat(end.json().get("cost_usd").decimalValue()).isEqualByComparingTo("0.012");
        Harness.Answer again = curl("POST", "/api/v1/sessions/" + sessionId + "/end", null, false);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(end.json());

        Harness.Answer team = curl("PATCH", "/api/v1/settings/teams/" + teamId, "{\"daily_cost_limit_usd\": 10.00}",
                true);
        assertThat(team.status()).as(team.toString()).isEqualTo(200);
        assertThat(team.json().get("daily_cost_limit_usd").decimalValue()).isEqualByComparingTo("10");
        Harness.Answer overnight = curl("PATCH", "/api/v1/settings/teams/" + teamId, """
                {"daily_cost_limit_usd": 5.00}""", true);
        assertThat(overnight.json().get("daily_cost_limit_usd").decimalValue()).isEqualByComparingTo("5");

        Harness.Answer costs = curl("GET", "/api/v1/teams/" + teamId + "/costs", null, false);
        assertThat(costs.status()).as(costs.toString()).isEqualTo(200);
        JsonNode c = costs.json();
        assertThat(c.get("total_cost_usd").decimalValue()).isEqualByComparingTo("0.012");
        assertThat(c.get("total_input_tokens").asLong()).isEqualTo(2500);
        assertThat(c.get("total_output_tokens").asLong()).isEqualTo(800);
        JsonNode row = c.get("sessions").get(0);
        assertThat(row.get("agent_name").asText()).isEqualTo("eng-1");
        assertThat(row.get("task_title").asText()).isEqualTo("Fix typo in README");
        assertThat(row.get("cost_usd").decimalValue()).isEqualByComparingTo("0.012");
        assertThat(row.get("tokens").asLong()).isEqualTo(3300);
        assertThat(row.has("duration_minutes")).isTrue();

        Harness.Answer sessions = curl("GET", "/api/v1/agents/" + agentId + "/sessions", null, false);
        assertThat(sessions.status()).isEqualTo(200);
        assertThat(sessions.json().get("sessions")).hasSize(1);
        assertThat(sessions.json().get("sessions").get(0).get("id").asLong()).isEqualTo(sessionId);
        assertThat(sessions.json().get("sessions").get(0).get("input_tokens").asLong()).isEqualTo(2500);
    }

    @Test
    void agentAndTeamMayBeNamedInsteadOfNumbered() {
        h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\", \"daily_limit_usd\": 5.00}");
        Harness.Answer session = curl("POST", "/api/v1/agents/eng-1/sessions", "{\"model\": \"claude-sonnet-4-20250514\"}",
                true);
        assertThat(session.status()).as(session.toString()).isEqualTo(201);
        assertThat(curl("GET", "/api/v1/agents/eng-1/budget", null, false).json().get("daily_limit_usd")
                .decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(5));
        assertThat(curl("GET", "/api/v1/teams/default/costs", null, false).status()).isEqualTo(200);
        assertThat(curl("PATCH", "/api/v1/settings/teams/default", "{\"daily_cost_limit_usd\": 10.00}", true)
                .status()).isEqualTo(200);
    }

    /**
     * The README's quick start on a fresh ledger: the first session for an agent nobody created is a 404 that says
     * how to create it, so the README creates eng-1 first ({@code entourage agents set eng-1 …}, here its REST twin).
     */
    @Test
    void theQuickStartsFirstCallSaysHowToCreateTheAgentAndWorksOnceItExists() {
        Harness.Answer unknown = curl("POST", "/api/v1/agents/eng-1/sessions",
                "{\"model\": \"claude-sonnet-4-20250514\"}", true);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/error/message").asText()).contains("agent 'eng-1' does not exist")
                .contains("entourage agents set 'eng-1'").contains("POST /api/v1/teams/{team_id}/agents");
        Harness.Answer team = curl("GET", "/api/v1/teams/platform/tasks", null, false);
        assertThat(team.status()).isEqualTo(404);
        assertThat(team.json().at("/error/message").asText()).contains("entourage teams set 'platform'");

        assertThat(curl("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\", \"daily_limit_usd\": 5}",
                true).status()).isEqualTo(201);
        Harness.Answer started = curl("POST", "/api/v1/agents/eng-1/sessions",
                "{\"model\": \"claude-sonnet-4-20250514\"}", true);
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
    }
}
