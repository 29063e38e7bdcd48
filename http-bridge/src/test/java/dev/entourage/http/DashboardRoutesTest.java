package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.ledger.access.Role;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /dashboard}, {@code GET /teams/{id}/spend} and the costs report's days and grouped CSV. */
class DashboardRoutesTest {
    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        assertThat(h.admin("PATCH", "/api/v1/settings/teams/default",
                "{\"daily_cost_limit_usd\": 10.00, \"timezone\": \"Europe/Paris\"}").status()).isEqualTo(200);
        assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-2\", \"daily_limit_usd\": 1}")
                .status()).isEqualTo(201);
        assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private long session(String agent, String body) {
        Harness.Answer answer = h.admin("POST", "/api/v1/agents/" + agent + "/sessions", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        return answer.json().get("id").asLong();
    }

    private void usage(long session, String cost, String model) {
        Harness.Answer answer = h.admin("POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 100, \"output_tokens\": 20, \"cost_usd\": " + cost
                        + (model == null ? "" : ", \"model\": \"" + model + "\"") + "}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    }

    @Test
    void dashboardFillsThePageForAViewer() {
        long task = h.admin("POST", "/api/v1/teams/default/tasks", "{\"title\": \"Fix, \\\"login\\\"\", "
                + "\"tags\": [\"budget:2.00\"]}").json().get("id").asLong();
        long first = session("eng-1", "{\"task_id\": " + task + "}");
        usage(first, "1.25", null);
        long second = session("eng-2", "{}");
        usage(second, "0.85", null);
        long third = session("eng-1", "{}");
        h.admin("POST", "/api/v1/sessions/" + first + "/end", null);
        h.admin("POST", "/api/v1/sessions/" + third + "/kill", "{\"reason\": \"stop\"}");

        Harness.Answer answer = h.as(h.key(Role.VIEWER, null), "GET", "/api/v1/dashboard", null);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode page = answer.json();
        assertThat(page.get("role").asText()).isEqualTo("viewer");
        assertThat(page.get("now").asText()).endsWith("Z");
        assertThat(page.get("team").get("name").asText()).isEqualTo("default");
        assertThat(page.get("team").get("timezone").asText()).isEqualTo("Europe/Paris");
        assertThat(page.get("team").has("daily_cost_limit_usd")).isTrue();

        JsonNode today = page.get("today");
        assertThat(today.get("date").asText()).isEqualTo(LocalDate.now(ZoneId.of("Europe/Paris")).toString());
        assertThat(today.get("spent_usd").decimalValue()).isEqualByComparingTo("2.10");
        assertThat(today.get("limit_usd").decimalValue()).isEqualByComparingTo("10");
        assertThat(today.get("remaining_usd").decimalValue()).isEqualByComparingTo("7.90");
        assertThat(today.get("resets_at").asText()).endsWith("Z");

        JsonNode agents = page.get("agents");
        assertThat(agents).hasSize(2);
        assertThat(agents.get(0).get("name").asText()).isEqualTo("eng-1");
        assertThat(agents.get(0).get("daily_spent_usd").decimalValue()).isEqualByComparingTo("1.25");
        assertThat(agents.get(0).get("daily_limit_usd").isNull()).isTrue();
        assertThat(agents.get(0).get("daily_remaining_usd").isNull()).isTrue();
        assertThat(agents.get(0).get("active_sessions").asInt()).isZero();
        assertThat(agents.get(1).get("name").asText()).isEqualTo("eng-2");
        assertThat(agents.get(1).get("daily_remaining_usd").decimalValue()).isEqualByComparingTo("0.15");
        assertThat(agents.get(1).get("active_sessions").asInt()).isEqualTo(1);
        assertThat(agents.get(1).get("paused").asBoolean()).isFalse();

        assertThat(ids(page.get("sessions"))).containsExactly(second);
        JsonNode active = page.get("sessions").get(0);
        assertThat(active.get("agent_name").asText()).isEqualTo("eng-2");
        assertThat(active.get("cost_usd").decimalValue()).isEqualByComparingTo("0.85");
        assertThat(active.get("status").asText()).isEqualTo("active");
        assertThat(active.has("input_tokens")).isTrue();
        assertThat(ids(page.get("recent_sessions"))).containsExactly(third, first);
        assertThat(page.get("recent_sessions").get(0).get("status").asText()).isEqualTo("killed");

        JsonNode tasks = page.get("tasks");
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).get("budget_usd").decimalValue()).isEqualByComparingTo("2");
        assertThat(tasks.get(0).get("spent_usd").decimalValue()).isEqualByComparingTo("1.25");
        assertThat(page.get("alerts")).hasSize(1);
        assertThat(page.get("alerts").get(0).get("threshold_percent").asInt()).isEqualTo(80);
    }

    @Test
    void dashboardShowsWhatEachAgentsOpenHoldsReserve() {
        Harness.Answer hold = h.admin("POST", "/api/v1/agents/eng-2/budget/holds", "{\"estimated_cost_usd\": 0.6}");
        assertThat(hold.status()).as(hold.toString()).isEqualTo(201);

        JsonNode agents = h.admin("GET", "/api/v1/dashboard", null).json().get("agents");

        assertThat(agents.get(0).get("name").asText()).isEqualTo("eng-1");
        assertThat(agents.get(0).get("held_usd").decimalValue()).isEqualByComparingTo("0");
        assertThat(agents.get(1).get("held_usd").decimalValue()).isEqualByComparingTo("0.6");
        assertThat(h.admin("DELETE", "/api/v1/holds/" + hold.json().get("hold_id").asText(), null).status())
                .isEqualTo(200);
        assertThat(h.admin("GET", "/api/v1/dashboard", null).json().get("agents").get(1).get("held_usd")
                .decimalValue()).as("released").isEqualByComparingTo("0");
    }

    @Test
    void dashboardIsForPeopleOfTheCallersTeam() {
        Harness.Answer agent = h.as(h.key(Role.AGENT, "eng-1"), "GET", "/api/v1/dashboard", null);
        assertThat(agent.status()).isEqualTo(403);
        assertThat(agent.errorCode()).isEqualTo("forbidden");
        assertThat(h.call("GET", "/api/v1/dashboard", null).status()).isEqualTo(401);
        assertThat(h.admin("GET", "/api/v1/dashboard", null).json().get("role").asText()).isEqualTo("admin");
        assertThat(h.admin("GET", "/api/v1/dashboard?team=2", null).status()).isEqualTo(400);
        JsonNode empty = h.admin("GET", "/api/v1/dashboard", null).json();
        assertThat(empty.get("sessions")).isEmpty();
        assertThat(empty.get("recent_sessions")).isEmpty();
        assertThat(empty.get("today").get("spent_usd").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void spendTodayHasFiveMinuteBucketsAndOneSeriesPerAgentOrModel() {
        long one = session("eng-1", "{\"model\": \"claude-sonnet-4-20250514\"}");
        usage(one, "0.50", null);
        usage(one, "0.25", "claude-haiku-3-5");
        long two = session("eng-2", "{}");
        usage(two, "0.10", null);

        Harness.Answer answer = h.as(h.key(Role.VIEWER, null), "GET", "/api/v1/teams/default/spend?range=today", null);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode spend = answer.json();
        assertThat(spend.get("range").asText()).isEqualTo("today");
        assertThat(spend.get("by").asText()).isEqualTo("agent");
        assertThat(spend.get("zone").asText()).isEqualTo("Europe/Paris");
        assertThat(spend.get("bucket_seconds").asInt()).isEqualTo(300);
        JsonNode buckets = spend.get("buckets");
        OffsetDateTime first = OffsetDateTime.parse(buckets.get(0).asText());
        assertThat(first.toLocalTime().toSecondOfDay()).isZero();
        assertThat(first.toLocalDate()).isEqualTo(LocalDate.now(ZoneId.of("Europe/Paris")));
        OffsetDateTime last = OffsetDateTime.parse(buckets.get(buckets.size() - 1).asText());
        assertThat(last.toInstant()).isBeforeOrEqualTo(java.time.Instant.now());
        assertThat(last.toInstant().plusSeconds(300)).isAfter(java.time.Instant.now().minusSeconds(5));

        JsonNode series = spend.get("series");
        assertThat(series).hasSize(2);
        assertThat(series.get(0).get("name").asText()).isEqualTo("eng-1");
        assertThat(series.get(0).get("total_usd").decimalValue()).isEqualByComparingTo("0.75");
        assertThat(series.get(0).get("cost_usd")).hasSize(buckets.size());
        assertThat(series.get(1).get("name").asText()).isEqualTo("eng-2");
        assertThat(spend.get("total_usd")).hasSize(buckets.size());
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        for (JsonNode v : spend.get("total_usd")) {
            sum = sum.add(v.decimalValue());
        }
        assertThat(sum).isEqualByComparingTo("0.85");

        JsonNode byModel = h.admin("GET", "/api/v1/teams/default/spend?range=7d&by=model", null).json();
        assertThat(byModel.get("bucket_seconds").asInt()).isEqualTo(86_400);
        assertThat(byModel.get("buckets")).hasSize(7);
        List<String> names = new ArrayList<>();
        byModel.get("series").forEach(s -> names.add(s.get("name").asText()));
        assertThat(names).containsExactly("claude-sonnet-4-20250514", "claude-haiku-3-5", "(unknown model)");
        JsonNode thirty = h.admin("GET", "/api/v1/teams/1/spend?range=30d", null).json();
        assertThat(thirty.get("buckets")).hasSize(30);
        assertThat(thirty.get("series").get(0).get("cost_usd").get(29).decimalValue()).isEqualByComparingTo("0.75");
    }

    @Test
    void spendRefusesBadParametersNamingThemAndAgentKeys() {
        Harness.Answer range = h.admin("GET", "/api/v1/teams/default/spend?range=week", null);
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.json().get("error").get("message").asText()).contains("range");
        Harness.Answer by = h.admin("GET", "/api/v1/teams/default/spend?by=task", null);
        assertThat(by.status()).isEqualTo(400);
        assertThat(by.json().get("error").get("message").asText()).contains("by");
        assertThat(h.admin("GET", "/api/v1/teams/nowhere/spend", null).status()).isEqualTo(404);
        assertThat(h.as(h.key(Role.AGENT, "eng-1"), "GET", "/api/v1/teams/default/spend", null).status())
                .isEqualTo(403);
    }

    @Test
    void costsHaveEveryDayAndGroupedCsvWithTotals() {
        long task = h.admin("POST", "/api/v1/teams/default/tasks",
                "{\"title\": \"Fix, \\\"quoted\\\" bug\"}").json().get("id").asLong();
        long one = session("eng-1", "{\"task_id\": " + task + "}");
        usage(one, "0.50", null);
        long two = session("eng-2", "{}");
        usage(two, "0.25", null);
        LocalDate today = LocalDate.now(ZoneId.of("Europe/Paris"));
        String range = "?since=" + today.minusDays(2) + "&until=" + today;

        JsonNode costs = h.admin("GET", "/api/v1/teams/default/costs" + range, null).json();
        JsonNode days = costs.get("by_day");
        assertThat(days).hasSize(3);
        assertThat(days.get(0).get("day").asText()).isEqualTo(today.minusDays(2).toString());
        assertThat(days.get(0).get("cost_usd").decimalValue()).isEqualByComparingTo("0");
        assertThat(days.get(0).get("sessions").asInt()).isZero();
        assertThat(days.get(2).get("cost_usd").decimalValue()).isEqualByComparingTo("0.75");
        assertThat(days.get(2).get("sessions").asInt()).isEqualTo(2);
        assertThat(days.get(2).get("input_tokens").asLong()).isEqualTo(200);

        Harness.Answer byTask = h.admin("GET", "/api/v1/teams/default/costs" + range + "&by=task&format=csv", null);
        assertThat(byTask.status()).isEqualTo(200);
        assertThat(byTask.header("Content-Type")).startsWith("text/csv");
        assertThat(byTask.body()).isEqualTo("task_id,task_title,cost_usd,input_tokens,output_tokens,sessions\r\n"
                + task + ",\"Fix, \"\"quoted\"\" bug\",0.5,100,20,1\r\n"
                + ",(no task),0.25,100,20,1\r\n"
                + "total,,0.75,200,40,2\r\n");
        String byDay = h.admin("GET", "/api/v1/teams/default/costs" + range + "&by=day&format=csv", null).body();
        assertThat(byDay.split("\r\n")).containsExactly("day,cost_usd,input_tokens,output_tokens,sessions",
                today.minusDays(2) + ",0,0,0,0", today.minusDays(1) + ",0,0,0,0", today + ",0.75,200,40,2",
                "total,0.75,200,40,2");
        String byAgent = h.admin("GET", "/api/v1/teams/default/costs" + range + "&by=agent&format=csv", null).body();
        assertThat(byAgent.split("\r\n")[0]).isEqualTo("agent_id,agent_name,cost_usd,input_tokens,output_tokens,"
                + "sessions");
        assertThat(byAgent.split("\r\n")[1]).endsWith(",eng-1,0.5,100,20,1");
        String byModel = h.admin("GET", "/api/v1/teams/default/costs" + range + "&by=model&format=csv", null).body();
        assertThat(byModel.split("\r\n")).containsExactly(
                "model,cost_usd,input_tokens,output_tokens,sessions,unpriced_usd",
                "(unknown model),0.75,200,40,2,0", "total,0.75,200,40,2,0");
    }

    private static List<Long> ids(JsonNode sessions) {
        List<Long> ids = new ArrayList<>();
        sessions.forEach(s -> ids.add(s.get("id").asLong()));
        return ids;
    }
}
