package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code service_tier}, {@code speed} and {@code inference_geo} on {@code POST /sessions/{id}/usage}: priced through
 * the engine's multipliers, stored with the event and shown on {@code GET /sessions/{id}/usage}; an unknown value
 * is a 400 naming its field, with nothing written.
 */
class PriceModifierRoutesTest {
    private static final String TOKENS = "\"input_tokens\": 10000, \"output_tokens\": 2000";

    @TempDir
    Path dir;

    private Harness h;
    private long session;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}");
        session = h.admin("POST", "/api/v1/agents/eng-1/sessions", "{\"model\": \"claude-sonnet-4-5\"}").json()
                .get("id").asLong();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private Harness.Answer report(String fields) {
        return h.admin("POST", "/api/v1/sessions/" + session + "/usage", "{" + TOKENS + fields + "}");
    }

    private JsonNode events() {
        return h.admin("GET", "/api/v1/sessions/" + session + "/usage", null).json().get("events");
    }

    @Test
    void eachModifierIsPricedStoredAndShown() {
        Harness.Answer standard = report(", \"event_id\": \"std\"");
        Harness.Answer batch = report(", \"service_tier\": \"Batch\", \"event_id\": \"batch\"");
        Harness.Answer fast = h.admin("POST", "/api/v1/sessions/" + session + "/usage", "{" + TOKENS
                + ", \"model\": \"claude-opus-5\", \"speed\": \"fast\", \"event_id\": \"fast\"}");
        Harness.Answer us = report(", \"model\": \"claude-opus-5-5\", \"inference_geo\": \"us\", \"event_id\": \"us\"");
        Harness.Answer none = report(", \"service_tier\": \"standard\", \"speed\": \"normal\", "
                + "\"inference_geo\": \"not_available\", \"event_id\": \"none\"");

        assertThat(standard.json().get("cost_usd").decimalValue()).isEqualByComparingTo("0.06");
        assertThat(batch.json().get("cost_usd").decimalValue()).as(batch.toString()).isEqualByComparingTo("0.03");
        assertThat(fast.json().get("cost_usd").decimalValue()).as(fast.toString()).isEqualByComparingTo("0.2");
        assertThat(us.json().get("cost_usd").decimalValue()).as(us.toString()).isEqualByComparingTo("0.088");
        assertThat(none.json().get("cost_usd").decimalValue()).as(none.toString()).isEqualByComparingTo("0.06");
        assertThat(none.json().get("cost_source").asText()).isEqualTo("priced");
        JsonNode events = events();
        assertThat(events).hasSize(5);
        JsonNode newest = events.get(0);
        assertThat(newest.get("service_tier").asText()).isEqualTo("standard");
        assertThat(newest.get("speed").asText()).isEqualTo("normal");
        assertThat(newest.get("inference_geo").asText()).isEqualTo("not_available");
        assertThat(events.get(1).get("inference_geo").asText()).isEqualTo("us");
        assertThat(events.get(2).get("speed").asText()).isEqualTo("fast");
        assertThat(events.get(3).get("service_tier").asText()).isEqualTo("batch");
        assertThat(events.get(4).get("service_tier").isNull()).isTrue();
        assertThat(events.get(4).get("inference_geo").isNull()).isTrue();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"service_tier, turbo", "service_tier, 'batch!'", "speed, warp", "inference_geo, mars",
            "inference_geo, 'u s'"})
    void anUnknownValueIsRefusedNamingItsFieldAndNothingIsWritten(String field, String value) {
        Harness.Answer answer = report(", \"" + field + "\": \"" + value + "\"");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo("invalid_request");
        assertThat(answer.json().get("error").get("details").get("field").asText()).isEqualTo(field);
        assertThat(answer.json().get("error").get("message").asText()).contains(field);
        assertThat(events()).isEmpty();
        assertThat(h.admin("GET", "/api/v1/sessions/" + session, null).json().get("cost_usd").decimalValue())
                .isZero();
    }

    @Test
    void aReplayWithOtherModifiersIsNotTheSameReport() {
        assertThat(report(", \"event_id\": \"e1\"").status()).isEqualTo(201);

        Harness.Answer replay = report(", \"service_tier\": \"batch\", \"event_id\": \"e1\"");

        assertThat(replay.status()).as(replay.toString()).isEqualTo(422);
        assertThat(replay.errorCode()).isEqualTo("idempotency_mismatch");
        assertThat(events()).hasSize(1);
    }
}
