package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.ledger.access.Role;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routes of SPEC §5 beyond the guide: their answers, statuses and shapes. */
class RoutesTest {
    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\", \"daily_limit_usd\": 1.00}")
                .status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private long startSession(String body) {
        Harness.Answer answer = h.admin("POST", "/api/v1/agents/eng-1/sessions", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        assertThat(answer.header("Location")).isEqualTo("/api/v1/sessions/" + answer.json().get("id").asLong());
        return answer.json().get("id").asLong();
    }

    @Test
    void createsAgentsOnceAndPatchesThem() {
        Harness.Answer again = h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("conflict");
        assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{}").status()).isEqualTo(400);

        Harness.Answer paused = h.admin("PATCH", "/api/v1/settings/agents/eng-1", "{\"paused\": true}");
        assertThat(paused.status()).isEqualTo(200);
        assertThat(paused.json().get("paused").asBoolean()).isTrue();
        assertThat(paused.json().get("daily_limit_usd").decimalValue()).isEqualByComparingTo("1");
        Harness.Answer unlimited = h.admin("PATCH", "/api/v1/settings/agents/eng-1", "{\"daily_limit_usd\": null}");
        assertThat(unlimited.json().get("daily_limit_usd").isNull()).isTrue();
        assertThat(unlimited.json().get("paused").asBoolean()).isTrue();
        assertThat(h.admin("PATCH", "/api/v1/settings/agents/nobody", "{\"paused\": true}").status()).isEqualTo(404);
    }

    @Test
    void patchesTeamSettingsFieldByField() {
        Harness.Answer answer = h.admin("PATCH", "/api/v1/settings/teams/default", """
                {"daily_cost_limit_usd": 10.00, "timezone": "Europe/Berlin", "paused": false,
                 "task_type_budgets_usd": {"bugfix": 3.00, "feature": 8}}""");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode team = answer.json();
        assertThat(team.get("daily_cost_limit_usd").decimalValue()).isEqualByComparingTo("10");
        assertThat(team.get("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(team.get("task_type_budgets_usd").get("bugfix").decimalValue()).isEqualByComparingTo("3");

        JsonNode kept = h.admin("PATCH", "/api/v1/settings/teams/default", "{\"paused\": true}").json();
        assertThat(kept.get("paused").asBoolean()).isTrue();
        assertThat(kept.get("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(kept.get("daily_cost_limit_usd").decimalValue()).isEqualByComparingTo("10");

        Harness.Answer refused = h.admin("POST", "/api/v1/agents/eng-1/sessions", "{}");
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.errorCode()).isEqualTo("budget_exceeded");
        assertThat(refused.json().get("error").get("details").get("budget").get("violations").get(0).get("scope")
                .asText()).isEqualTo("paused");
        assertThat(h.admin("PATCH", "/api/v1/settings/teams/nowhere", "{}").status()).isEqualTo(404);
    }

    @Test
    void refusesANewSessionForAnAgentOverBudget() {
        long session = startSession("{\"model\": \"claude-sonnet-4-20250514\"}");
        Harness.Answer usage = h.admin("POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 1000, \"output_tokens\": 10, \"cost_usd\": 1.50}");
        assertThat(usage.status()).isEqualTo(201);
        assertThat(usage.json().get("action").asText()).isEqualTo("stop");
        assertThat(usage.json().get("stop_reason").asText()).isEqualTo("agent_daily");
        assertThat(usage.json().get("over_budget").asBoolean()).isTrue();

        Harness.Answer refused = h.admin("POST", "/api/v1/agents/eng-1/sessions", "{}");
        assertThat(refused.status()).isEqualTo(402);
        JsonNode budget = refused.json().get("error").get("details").get("budget");
        assertThat(budget.get("over_budget").asBoolean()).isTrue();
        assertThat(budget.get("daily_remaining_usd").decimalValue()).isZero();
    }

    @Test
    void replaysAnEventIdAndRefusesADifferentBodyUnderIt() {
        long session = startSession("{}");
        String path = "/api/v1/sessions/" + session + "/usage";
        String body = "{\"input_tokens\": 100, \"output_tokens\": 10, \"cost_usd\": 0.01}";
        Harness.Answer first = h.call("POST", path, body, "X-API-Key", h.adminKey, "Content-Type", "application/json",
                "Idempotency-Key", "call-42");
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.json().get("event_id").asText()).isEqualTo("call-42");
        Harness.Answer replay = h.admin("POST", path, body.replace("}", ", \"event_id\": \"call-42\"}"));
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().get("duplicate").asBoolean()).isTrue();
        assertThat(replay.json().get("cost_usd")).isEqualTo(first.json().get("cost_usd"));

        Harness.Answer mismatch = h.call("POST", path, body.replace("100", "999"), "X-API-Key", h.adminKey,
                "Content-Type", "application/json", "Idempotency-Key", "call-42");
        assertThat(mismatch.status()).isEqualTo(422);
        assertThat(mismatch.errorCode()).isEqualTo("idempotency_mismatch");
        Harness.Answer both = h.call("POST", path, body.replace("}", ", \"event_id\": \"a\"}"), "X-API-Key", h.adminKey,
                "Content-Type", "application/json", "Idempotency-Key", "b");
        assertThat(both.status()).isEqualTo(400);
        assertThat(h.admin("GET", "/api/v1/sessions/" + session, null).json().get("input_tokens").asLong())
                .isEqualTo(100);
    }

    @Test
    void killsASessionAndListsSessionsNewestFirst() {
        long first = startSession("{}");
        h.admin("POST", "/api/v1/sessions/" + first + "/end", null);
        long second = startSession("{}");
        Harness.Answer killed = h.admin("POST", "/api/v1/sessions/" + second + "/kill", "{\"reason\": \"looping\"}");
        assertThat(killed.status()).as(killed.toString()).isEqualTo(200);
        assertThat(killed.json().get("status").asText()).isEqualTo("killed");
        assertThat(killed.json().get("stop_reason").asText()).isEqualTo("killed");
        assertThat(killed.json().get("stop_detail").asText()).isEqualTo("looping");
        assertThat(h.admin("GET", "/api/v1/sessions/" + second, null).json().get("stop_detail").asText())
                .as("the kill's reason is kept on the session").isEqualTo("looping");
        assertThat(h.admin("POST", "/api/v1/sessions/" + second + "/end", null).json().get("stop_detail").asText())
                .isEqualTo("looping");

        JsonNode all = h.admin("GET", "/api/v1/agents/eng-1/sessions", null).json().get("sessions");
        assertThat(all).hasSize(2);
        assertThat(all.get(0).get("id").asLong()).isEqualTo(second);
        JsonNode ended = h.admin("GET", "/api/v1/agents/eng-1/sessions?status=ended&limit=10", null).json()
                .get("sessions");
        assertThat(ended).hasSize(1);
        assertThat(ended.get(0).get("id").asLong()).isEqualTo(first);
        assertThat(h.admin("GET", "/api/v1/agents/eng-1/sessions?limit=1", null).json().get("sessions")).hasSize(1);
        assertThat(h.admin("GET", "/api/v1/sessions/999999", null).status()).isEqualTo(404);
    }

    @Test
    void weeklyMonthlyAndSessionLimitsAreSetAndEnforcedThroughRest() {
        Harness.Answer team = h.admin("PATCH", "/api/v1/settings/teams/default", "{\"weekly_limit_usd\": 20, "
                + "\"monthly_limit_usd\": 60, \"max_session_cost_usd\": 0.05, "
                + "\"task_type_max_session_cost_usd\": {\"bugfix\": 0.02}}");
        assertThat(team.status()).as(team.toString()).isEqualTo(200);
        assertThat(team.json().get("weekly_limit_usd").decimalValue()).isEqualByComparingTo("20");
        assertThat(team.json().get("monthly_limit_usd").decimalValue()).isEqualByComparingTo("60");
        assertThat(team.json().get("max_session_cost_usd").decimalValue()).isEqualByComparingTo("0.05");
        assertThat(team.json().get("task_type_max_session_cost_usd").get("bugfix").decimalValue())
                .isEqualByComparingTo("0.02");
        Harness.Answer agent = h.admin("PATCH", "/api/v1/settings/agents/eng-1", "{\"weekly_limit_usd\": 1.5, "
                + "\"monthly_limit_usd\": null}");
        assertThat(agent.json().get("weekly_limit_usd").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(agent.json().get("monthly_limit_usd").isNull()).isTrue();
        Harness.Answer bad = h.admin("PATCH", "/api/v1/settings/teams/default", "{\"weekly_limit_usd\": -1}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").get("details").get("field").asText()).isEqualTo("weekly_limit_usd");

        long session = startSession("{}");
        Harness.Answer over = h.admin("POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 10, \"output_tokens\": 10, \"cost_usd\": 0.06}");
        assertThat(over.status()).isEqualTo(201);
        assertThat(over.json().get("action").asText()).isEqualTo("stop");
        assertThat(over.json().get("stop_reason").asText()).isEqualTo("session");
        JsonNode budget = h.admin("GET", "/api/v1/agents/eng-1/budget", null).json();
        assertThat(budget.get("session_limit_usd").decimalValue()).isEqualByComparingTo("0.05");
        assertThat(budget.get("weekly_spent_usd").decimalValue()).isEqualByComparingTo("0.06");
        assertThat(budget.get("weekly_limit_usd").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(budget.get("team_monthly_spent_usd").decimalValue()).isEqualByComparingTo("0.06");
        assertThat(h.admin("POST", "/api/v1/sessions/" + session + "/end", null).json().get("stop_reason").asText())
                .isEqualTo("session");
        assertThat(startSession("{}")).as("a new session may start").isPositive();
    }

    @Test
    void listsTasksWithTheirSpend() {
        Harness.Answer created = h.admin("POST", "/api/v1/teams/default/tasks",
                "{\"title\": \"Fix login bug\", \"budget_usd\": 2.00, \"tags\": [\"area:auth\"]}");
        assertThat(created.status()).isEqualTo(201);
        long task = created.json().get("id").asLong();
        long session = startSession("{\"task_id\": " + task + "}");
        h.admin("POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 10, \"output_tokens\": 10, \"cost_usd\": 0.25}");

        JsonNode one = h.admin("GET", "/api/v1/tasks/" + task, null).json();
        assertThat(one.get("title").asText()).isEqualTo("Fix login bug");
        assertThat(one.get("spent_usd").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(one.get("budget_usd").decimalValue()).isEqualByComparingTo("2");
        JsonNode list = h.admin("GET", "/api/v1/teams/default/tasks", null).json().get("tasks");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("spent_usd").decimalValue()).isEqualByComparingTo("0.25");
        JsonNode budget = h.admin("GET", "/api/v1/agents/eng-1/budget?task_id=" + task, null).json();
        assertThat(budget.get("task_spent_usd").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(h.admin("GET", "/api/v1/tasks/424242", null).status()).isEqualTo(404);
    }

    @Test
    void givesCostsAsCsvOnRequest() {
        h.admin("POST", "/api/v1/teams/default/tasks", "{\"title\": \"Fix \\\"quoted\\\", bug\"}");
        long session = startSession("{\"task_id\": 1, \"model\": \"claude-sonnet-4-20250514\"}");
        h.admin("POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 1000, \"output_tokens\": 200, \"cost_usd\": 0.5}");

        Harness.Answer byParameter = h.admin("GET", "/api/v1/teams/default/costs?format=csv", null);
        assertThat(byParameter.status()).isEqualTo(200);
        assertThat(byParameter.header("Content-Type")).startsWith("text/csv");
        assertThat(byParameter.header("Content-Disposition")).contains("attachment").contains(".csv");
        assertThat(byParameter.body()).isEqualTo(String.join(",", CostsCsv.HEADER) + "\r\n"
                + session + ",eng-1,1,\"Fix \"\"quoted\"\", bug\",claude-sonnet-4-20250514,0.5,1000,200,1200,0,0\r\n");
        Harness.Answer byAccept = h.call("GET", "/api/v1/teams/default/costs", null, "X-API-Key", h.adminKey,
                "Accept", "text/csv");
        assertThat(byAccept.body()).isEqualTo(byParameter.body());
        Harness.Answer json = h.call("GET", "/api/v1/teams/default/costs", null, "X-API-Key", h.adminKey,
                "Accept", "application/json, text/csv;q=0.5");
        assertThat(json.json().get("total_cost_usd").decimalValue()).isEqualByComparingTo("0.5");

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode ranged = h.admin("GET", "/api/v1/teams/default/costs?since=" + today + "&until=" + today, null).json();
        assertThat(ranged.get("since").asText()).isEqualTo(today);
        assertThat(ranged.get("sessions")).hasSize(1);
        assertThat(h.admin("GET", "/api/v1/teams/default/costs?since=2020-01-01&until=2019-01-01", null).status())
                .isEqualTo(400);
        assertThat(h.admin("GET", "/api/v1/teams/default/costs?format=xml", null).status()).isEqualTo(400);
    }

    @Test
    void quotesCsvFieldsAndDefusesFormulas() {
        assertThat(dev.entourage.http.json.Csv.quote("plain")).isEqualTo("plain");
        assertThat(dev.entourage.http.json.Csv.quote("a,b")).isEqualTo("\"a,b\"");
        assertThat(dev.entourage.http.json.Csv.quote("line\nbreak")).isEqualTo("\"line\nbreak\"");
        assertThat(dev.entourage.http.json.Csv.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }

    @Test
    void createsListsAndRevokesKeysShowingTheSecretOnce() {
        Harness.Answer created = h.admin("POST", "/api/v1/auth/keys",
                "{\"role\": \"agent\", \"agent\": \"eng-1\", \"name\": \"laptop\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String secret = created.json().get("key").asText();
        assertThat(secret).startsWith("oc_");
        assertThat(created.json().get("prefix").asText()).isNotBlank();
        assertThat(secret).startsWith(created.json().get("prefix").asText());
        assertThat(h.as(secret, "GET", "/api/v1/agents/eng-1/budget", null).status()).isEqualTo(200);

        Harness.Answer list = h.admin("GET", "/api/v1/auth/keys", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(secret).doesNotContain(h.adminKey);
        assertThat(list.json().get("keys")).hasSize(2);

        long id = created.json().get("id").asLong();
        assertThat(h.admin("DELETE", "/api/v1/auth/keys/" + id, null).status()).isEqualTo(200);
        assertThat(h.admin("DELETE", "/api/v1/auth/keys/" + id, null).status()).isEqualTo(200);
        assertThat(h.as(secret, "GET", "/api/v1/agents/eng-1/budget", null).status()).isEqualTo(401);
        assertThat(h.admin("DELETE", "/api/v1/auth/keys/987654", null).status()).isEqualTo(404);
        assertThat(h.admin("POST", "/api/v1/auth/keys", "{\"role\": \"root\"}").status()).isEqualTo(400);
        assertThat(h.admin("POST", "/api/v1/auth/keys", "{\"role\": \"agent\"}").status()).isEqualTo(400);
        assertThat(h.access.keys(h.team.id()).stream().filter(k -> k.role() == Role.AGENT)).hasSize(1);
    }
}
