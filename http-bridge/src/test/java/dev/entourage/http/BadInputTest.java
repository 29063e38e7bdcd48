package dev.entourage.http;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.http.json.Json;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPEC §7: bad input answers a 4xx in the error shape naming the field; nothing is written; no internals leak. */
class BadInputTest {
    @TempDir
    Path dir;

    private Harness h;
    private long session;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}");
        session = h.admin("POST", "/api/v1/agents/eng-1/sessions", "{}").json().get("id").asLong();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private String usagePath() {
        return "/api/v1/sessions/" + session + "/usage";
    }

    private void assertRefused(Harness.Answer answer, int status, String code, String field) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        JsonNode error = answer.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        if (field != null) {
            assertThat(error.get("message").asText()).contains(field);
        }
        assertThat(answer.body()).doesNotContain("Exception", "\tat ", "jackson", "jetty", "SQL");
    }

    private void assertNothingWritten() {
        JsonNode s = h.admin("GET", "/api/v1/sessions/" + session, null).json();
        assertThat(s.get("input_tokens").asLong()).isZero();
        assertThat(s.get("cost_usd").decimalValue()).isZero();
        assertThat(s.get("status").asText()).isEqualTo("active");
    }

    @Test
    void refusesAbsurdReportDatesWith400NamingTheParameter() {
        for (String query : List.of("since=0001-01-01&until=0001-01-02", "since=99999-01-01&until=99999-01-02",
                "since=%2B99999-01-01&until=%2B99999-01-03", "since=1999-12-30&until=1999-12-31")) {
            Harness.Answer answer = h.admin("GET", "/api/v1/teams/default/costs?" + query, null);
            assertRefused(answer, 400, "invalid_request", query.substring(0, query.indexOf('=')));
        }
        assertThat(h.admin("GET", "/api/v1/teams/default/costs?since=2026-01-01", null).status()).isEqualTo(200);
    }

    @Test
    void refusesABodyOverOneMebibyteByItsLength() {
        String big = "{\"model\": \"" + "x".repeat(Call.MAX_BODY_BYTES) + "\"}";
        Harness.Answer answer = h.admin("POST", usagePath(), big);
        assertRefused(answer, 413, "payload_too_large", "body");
        assertNothingWritten();
        assertThat(h.call("GET", "/healthz", null).status()).isEqualTo(200);
    }

    @Test
    void refusesAnOversizedBodyWithoutLengthByCountingIt() {
        byte[] big = ("{\"model\": \"" + "x".repeat(Call.MAX_BODY_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(h.uri(usagePath()))
                .timeout(Duration.ofSeconds(30))
                .header("X-API-Key", h.adminKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
        assertRefused(h.send(request), 413, "payload_too_large", "body");
        assertNothingWritten();
    }

    @Test
    void refusesADeclaredLengthOverOneMebibyteBeforeAClientWaitingToSendIt() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", h.bridge.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + usagePath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + h.adminKey
                    + "\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).as("no 100 Continue first").isEqualTo("HTTP/1.1 413");
        }
        assertNothingWritten();
    }

    @Test
    void refusesBodiesThatAreNotJson() {
        String body = "{\"input_tokens\": 1, \"output_tokens\": 1}";
        assertRefused(h.call("POST", usagePath(), body, "X-API-Key", h.adminKey, "Content-Type", "text/plain"),
                415, "invalid_request", "application/json");
        assertRefused(h.call("POST", usagePath(), "input_tokens=1", "X-API-Key", h.adminKey, "Content-Type",
                "application/x-www-form-urlencoded"), 415, "invalid_request", "Content-Type");
        assertRefused(h.call("POST", usagePath(), body, "X-API-Key", h.adminKey), 415, "invalid_request", "body");
        assertRefused(h.call("POST", usagePath(), body, "X-API-Key", h.adminKey, "Content-Type",
                "application/json; charset=iso-8859-1"), 415, "invalid_request", "body");
        assertThat(h.call("POST", usagePath(), body, "X-API-Key", h.adminKey, "Content-Type",
                "application/json; charset=UTF-8").status()).isEqualTo(201);
    }

    @Test
    void namesTheBodyWhenJsonIsMalformed() {
        for (String body : new String[] {"{", "{\"input_tokens\": }", "[1, 2", "{'a': 1}", "nul", "{} {}",
                "{\"input_tokens\": 1,}", "\u0000\u0001"}) {
            assertRefused(h.admin("POST", usagePath(), body), 400, "invalid_request", "body");
        }
        assertRefused(h.admin("POST", usagePath(), "[]"), 400, "invalid_request", "body");
        assertRefused(h.admin("POST", usagePath(), "\"text\""), 400, "invalid_request", "body");
        assertNothingWritten();
    }

    @Test
    void refusesDuplicateKeysDeepNestingAndHugeNumbers() {
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": 1, \"input_tokens\": 1000, \"output_tokens\": 1}"),
                400, "invalid_request", "duplicate");
        String deep = "{\"model\": " + "[".repeat(5000) + "]".repeat(5000) + ", \"input_tokens\": 1, \"output_tokens\": 1}";
        assertRefused(h.admin("POST", usagePath(), deep), 400, "invalid_request", "body");
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": 1" + "0".repeat(5000) + ", \"output_tokens\": 1}"),
                400, "invalid_request", "body");
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": 1e400, \"output_tokens\": 1}"), 400,
                "invalid_request", "input_tokens");
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": 1e-999999999, \"output_tokens\": 1}"), 400,
                "invalid_request", "input_tokens");
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": 1, \"output_tokens\": 1, \"cost_usd\": 1e-999999999}"),
                400, "invalid_request", "cost_usd");
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": 1000000001, \"output_tokens\": 1}"), 400,
                "invalid_request", "input_tokens");
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": 1, \"output_tokens\": 1, \"cost_usd\": 10000.01}"),
                400, "invalid_request", "cost_usd");
        assertNothingWritten();
    }

    @Test
    void namesTheFieldForWrongTypesNaNNegativesAndTypos() {
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": \"2500\", \"output_tokens\": 1}"), 400,
                "invalid_request", "input_tokens");
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": 1, \"output_tokens\": 1, \"cost_usd\": NaN}"),
                400, "invalid_request", "cost_usd");
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": -1, \"output_tokens\": 1}"), 400,
                "invalid_request", "input_tokens");
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": 1.5, \"output_tokens\": 1}"), 400,
                "invalid_request", "input_tokens");
        Harness.Answer typo = h.admin("POST", usagePath(), "{\"input_tokens\": 1, \"output_token\": 800}");
        assertRefused(typo, 400, "invalid_request", "output_token");
        assertThat(typo.json().get("error").get("details").get("field").asText()).isEqualTo("output_token");
        assertThat(typo.json().get("error").get("message").asText()).contains("did you mean 'output_tokens'");
        assertRefused(h.admin("POST", usagePath(), "{\"input_tokens\": 1, \"output_tokens\": 1, \"session_id\": 999}"),
                400, "invalid_request", "session_id");
        assertRefused(h.admin("PATCH", "/api/v1/settings/teams/default", "{\"timezone\": \"Mars/Olympus\"}"), 400,
                "invalid_request", "timezone");
        assertRefused(h.admin("PATCH", "/api/v1/settings/teams/default", "{\"paused\": \"yes\"}"), 400,
                "invalid_request", "paused");
        assertRefused(h.admin("PATCH", "/api/v1/settings/teams/default", "{\"daily_cost_limit_usd\": -1}"), 400,
                "invalid_request", "daily_cost_limit_usd");
        assertRefused(h.admin("PATCH", "/api/v1/settings/teams/default",
                "{\"task_type_budgets_usd\": {\"bugfix\": \"cheap\"}}"), 400, "invalid_request",
                "task_type_budgets_usd.bugfix");
        assertRefused(h.admin("POST", "/api/v1/teams/default/tasks", "{\"title\": \"t\", \"tags\": [\"budget:lots\"]}"),
                400, "invalid_request", "tags");
        assertNothingWritten();
        assertThat(h.ledger.reports().tasks(Actor.local(), Ref.parse("default"))).isEmpty();
    }

    @Test
    void refusesBadAlertAndRunawaySettings() {
        String[][] cases = {
                {"alert_webhook_url", "\"ftp://example.com/x\""},
                {"alert_webhook_url", "\"not a url\""},
                {"alert_webhook_url", "5"},
                {"alert_thresholds", "[0]"},
                {"alert_thresholds", "[80, 1001]"},
                {"alert_thresholds", "[\"80\"]"},
                {"alert_thresholds", "80"},
                {"alert_thresholds", "[80.5]"},
                {"max_session_cost_per_minute_usd", "-1"},
                {"max_session_cost_per_minute_usd", "\"1\""}};
        for (String[] c : cases) {
            Harness.Answer answer = h.admin("PATCH", "/api/v1/settings/teams/default",
                    "{\"daily_cost_limit_usd\": 3, \"" + c[0] + "\": " + c[1] + "}");
            assertRefused(answer, 400, "invalid_request", c[0]);
        }
        assertThat(h.ledger.settings().team(Actor.local(), Ref.parse("default")).dailyLimitMicros()).isNull();
    }

    @Test
    void refusesUnknownAndRepeatedQueryParameters() {
        assertRefused(h.admin("GET", "/api/v1/agents/eng-1/budget?taskid=5", null), 400, "invalid_request", "taskid");
        assertRefused(h.admin("GET", "/api/v1/agents/eng-1/sessions?limit=1&limit=2", null), 400, "invalid_request",
                "limit");
        assertRefused(h.admin("GET", "/api/v1/agents/eng-1/sessions?limit=0", null), 400, "invalid_request", "limit");
        assertRefused(h.admin("GET", "/api/v1/agents/eng-1/sessions?status=sleeping", null), 400, "invalid_request",
                "status");
        assertRefused(h.admin("GET", "/api/v1/teams/default/costs?since=yesterday", null), 400, "invalid_request",
                "since");
        assertRefused(h.admin("GET", "/api/v1/sessions/abc", null), 400, "invalid_request", "session_id");
    }

    @Test
    void answersUnknownRoutesAndMethodsInTheErrorShape() {
        assertRefused(h.admin("GET", "/api/v1/nothing/here", null), 404, "not_found", "/api/v1/nothing/here");
        assertRefused(h.admin("GET", "/not-the-api", null), 404, "not_found", null);
        assertRefused(h.call("GET", "/assets/nothing.js", null), 404, "not_found", null);
        Harness.Answer wrongMethod = h.admin("DELETE", "/api/v1/sessions/" + session, null);
        assertRefused(wrongMethod, 405, "invalid_request", "DELETE");
        assertThat(wrongMethod.header("Allow")).isEqualTo("GET");
        assertRefused(h.call("POST", "/healthz", null), 405, "invalid_request", null);
        Harness.Answer eventsByPost = h.admin("POST", "/api/v1/events", null);
        assertRefused(eventsByPost, 405, "invalid_request", "POST");
        assertThat(eventsByPost.header("Allow")).isEqualTo("GET");
        assertRefused(h.admin("GET", "/api/v1/events?team=2", null), 400, "invalid_request", "team");
        assertRefused(h.admin("GET", "/api/v1/teams/default/spend?range=1y", null), 400, "invalid_request", "range");
        assertRefused(h.admin("GET", "/api/v1/teams/default/spend?by=task", null), 400, "invalid_request", "by");
        assertRefused(h.admin("GET", "/api/v1/teams/default/costs?by=week&format=csv", null), 400, "invalid_request",
                "by");
        assertRefused(h.admin("GET", "/api/v1/teams/default/alerts?limit=0", null), 400, "invalid_request", "limit");
        assertRefused(h.admin("DELETE", "/api/v1/holds/abc", null), 404, "not_found", "hold_id");
    }

    @Test
    void answersMalformedRequestsInTheErrorShapeToo() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", h.bridge.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /api/v1/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400");
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertThat(Json.mapper().readTree(body).get("error").get("code").asText()).isEqualTo("invalid_request");
        }
    }

    @Test
    void tooManyHeaderBytesAreRefusedWithoutACrash() {
        char[] filler = new char[20_000];
        Arrays.fill(filler, 'a');
        Harness.Answer answer = h.call("GET", "/api/v1/teams/default/tasks", null, "X-API-Key", h.adminKey,
                "X-Filler", new String(filler));
        assertThat(answer.status()).isEqualTo(431);
        assertThat(h.call("GET", "/healthz", null).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"service_tier, turbo", "service_tier, 'batch!'", "speed, warp", "inference_geo, mars",
            "inference_geo, 'u s'"})
    void refusesAnUnknownPriceModifierNamingItsField(String field, String value) {
        Harness.Answer answer = h.admin("POST", usagePath(), "{\"input_tokens\": 10, \"output_tokens\": 1, \""
                + field + "\": \"" + value + "\"}");

        assertRefused(answer, 400, "invalid_request", field);
        assertThat(answer.json().get("error").get("details").get("field").asText()).isEqualTo(field);
        assertNothingWritten();
        assertThat(h.admin("GET", usagePath(), null).json().get("events")).isEmpty();
    }

    @Test
    void aReplayWithOtherPriceModifiersIsADifferentReport() {
        String first = "{\"input_tokens\": 10, \"output_tokens\": 1, \"event_id\": \"e1\"";
        assertThat(h.admin("POST", usagePath(), first + "}").status()).isEqualTo(201);

        Harness.Answer replay = h.admin("POST", usagePath(), first + ", \"service_tier\": \"batch\"}");

        assertRefused(replay, 422, "idempotency_mismatch", "event_id");
        assertThat(h.admin("GET", usagePath(), null).json().get("events")).hasSize(1);
    }
}
