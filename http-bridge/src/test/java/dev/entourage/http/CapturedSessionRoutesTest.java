package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.capture.MetricPoint;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captured sessions over REST: what the session JSON says of its coding agent, usage reports on it answered as
 * claims, the usage events' labels, and the team setting {@code max_repeated_tool_calls}.
 */
class CapturedSessionRoutesTest {
    private static final TokenCounts TOKENS = new TokenCounts(1_000, 200, 0, 0, 300);

    @TempDir
    Path dir;

    private Harness h;
    private Session session;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        h.ledger.settings().ensureAgent(Actor.local(), "eng-1", null);
        CaptureOrigin origin = new CaptureOrigin(CaptureSource.CLAUDE_CODE, "cc-session-1", Ref.name("eng-1"), null);
        session = h.ledger.sessions().openExternal(Actor.local(), origin, "/work/app", "main");
        h.ledger.capture().record(Actor.local(), List.of(new CapturedCall(origin, "req_1", Instant.now(),
                "claude-sonnet-4-20250514", TOKENS, 120_000L, "fast", "repl_main_thread", "explorer")));
        h.ledger.capture().recordMetrics(Actor.local(), List.of(new MetricPoint(origin, "model=sonnet", 200_000L,
                false, Instant.now())));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void theSessionSaysWhatWasCaptured() {
        Harness.Answer got = h.admin("GET", "/api/v1/sessions/" + session.id(), null);
        assertThat(got.status()).as(got.toString()).isEqualTo(200);
        JsonNode s = got.json();
        assertThat(s.path("source").asText()).isEqualTo("claude_code");
        assertThat(s.path("external_id").asText()).isEqualTo("cc-session-1");
        assertThat(s.path("cwd").asText()).isEqualTo("/work/app");
        assertThat(s.path("git_branch").asText()).isEqualTo("main");
        assertThat(s.path("api_errors").asLong()).isZero();
        assertThat(s.path("captured").asBoolean()).isTrue();
        assertThat(s.path("cost_usd").decimalValue()).isEqualByComparingTo("0.12");
        assertThat(s.path("metric_cost_usd").decimalValue()).isEqualByComparingTo("0.2");
        assertThat(s.path("metric_mismatch").asBoolean()).isTrue();

        JsonNode event = h.admin("GET", "/api/v1/sessions/" + session.id() + "/usage", null).json().path("events")
                .get(0);
        assertThat(event.path("cost_source").asText()).isEqualTo("reported");
        assertThat(event.path("priced_cost_usd").isNumber()).as(event.toString()).isTrue();
        assertThat(event.path("speed").asText()).isEqualTo("fast");
        assertThat(event.path("query_source").asText()).isEqualTo("repl_main_thread");
        assertThat(event.path("subagent").asText()).isEqualTo("explorer");
        assertThat(event.path("claim").asBoolean()).isFalse();
    }

    @Test
    void aReportOnACapturedSessionIsAClaimAndSaysWhy() {
        Harness.Answer usage = h.admin("POST", "/api/v1/sessions/" + session.id() + "/usage",
                "{\"input_tokens\": 1000, \"output_tokens\": 10, \"cost_usd\": 0.5}");
        assertThat(usage.status()).as(usage.toString()).isEqualTo(201);
        assertThat(usage.json().path("claim").asBoolean()).isTrue();
        assertThat(usage.json().path("note").asText()).isEqualTo("this session's usage is captured from claude_code "
                + "telemetry; this report is kept as a claim and not added");
        assertThat(usage.json().at("/session/cost_usd").decimalValue()).isEqualByComparingTo("0.12");

        Session plain = h.ledger.sessions().start(Actor.local(), Ref.name("eng-1"), null, null).session();
        Harness.Answer counted = h.admin("POST", "/api/v1/sessions/" + plain.id() + "/usage",
                "{\"input_tokens\": 1000, \"output_tokens\": 10, \"cost_usd\": 0.5}");
        assertThat(counted.json().path("claim").asBoolean()).isFalse();
        assertThat(counted.json().path("note").isNull()).isTrue();
        assertThat(counted.json().at("/session/source").isNull()).isTrue();
        assertThat(counted.json().at("/session/metric_cost_usd").isNull()).isTrue();
    }

    @Test
    void maxRepeatedToolCallsIsATeamSetting() {
        Harness.Answer set = h.admin("PATCH", "/api/v1/settings/teams/default", "{\"max_repeated_tool_calls\": 3}");
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.json().path("max_repeated_tool_calls").asInt()).isEqualTo(3);
        assertThat(h.admin("GET", "/api/v1/dashboard", null).json().at("/team/max_repeated_tool_calls").asInt())
                .isEqualTo(3);

        for (String bad : List.of("1", "1001", "2.5", "\"3\"", "true")) {
            Harness.Answer refused = h.admin("PATCH", "/api/v1/settings/teams/default",
                    "{\"max_repeated_tool_calls\": " + bad + "}");
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.json().at("/error/details/field").asText()).isEqualTo("max_repeated_tool_calls");
        }
        Harness.Answer off = h.admin("PATCH", "/api/v1/settings/teams/default", "{\"max_repeated_tool_calls\": null}");
        assertThat(off.json().path("max_repeated_tool_calls").isNull()).isTrue();
        assertThat(h.ledger.settings().team(Actor.local(), Ref.name("default")).maxRepeatedToolCalls()).isNull();
    }
}
