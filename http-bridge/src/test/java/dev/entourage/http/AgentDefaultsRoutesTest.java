package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Team defaults for agents the team creates, and {@code strict_agents}, over REST. */
class AgentDefaultsRoutesTest {
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

    @Test
    void aPatchSetsTheDefaultsAndAnAgentCreatedWithoutLimitsGetsThem() {
        Harness.Answer patched = h.admin("PATCH", "/api/v1/settings/teams/default", "{\"default_agent_daily_limit_usd\": "
                + "2.5, \"default_agent_weekly_limit_usd\": 10, \"default_agent_monthly_limit_usd\": 30}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().path("default_agent_daily_limit_usd").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(patched.json().path("default_agent_weekly_limit_usd").decimalValue()).isEqualByComparingTo("10");
        assertThat(patched.json().path("default_agent_monthly_limit_usd").decimalValue()).isEqualByComparingTo("30");
        assertThat(patched.json().path("strict_agents").asBoolean()).isFalse();

        Harness.Answer plain = h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}");
        assertThat(plain.status()).isEqualTo(201);
        assertThat(plain.json().path("daily_limit_usd").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(plain.json().path("weekly_limit_usd").decimalValue()).isEqualByComparingTo("10");
        assertThat(plain.json().path("monthly_limit_usd").decimalValue()).isEqualByComparingTo("30");
        Harness.Answer own = h.admin("POST", "/api/v1/teams/default/agents",
                "{\"name\": \"eng-2\", \"daily_limit_usd\": 1, \"weekly_limit_usd\": null}");
        assertThat(own.json().path("daily_limit_usd").decimalValue()).isEqualByComparingTo("1");
        assertThat(own.json().path("weekly_limit_usd").isNull()).isTrue();
        assertThat(own.json().path("monthly_limit_usd").decimalValue()).isEqualByComparingTo("30");

        Harness.Answer removed = h.admin("PATCH", "/api/v1/settings/teams/default",
                "{\"default_agent_daily_limit_usd\": null}");
        assertThat(removed.json().path("default_agent_daily_limit_usd").isNull()).isTrue();
        assertThat(h.admin("GET", "/api/v1/agents/eng-1/budget", null).json().path("daily_limit_usd").decimalValue())
                .as("defaults apply when an agent is created, not afterwards").isEqualByComparingTo("2.5");
    }

    @Test
    void aStrictTeamStillCreatesAgentsItIsAskedToAndBadValuesAreRefusedNamingTheField() {
        Harness.Answer strict = h.admin("PATCH", "/api/v1/settings/teams/default", "{\"strict_agents\": true}");
        assertThat(strict.status()).isEqualTo(200);
        assertThat(strict.json().path("strict_agents").asBoolean()).isTrue();
        assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}").status()).isEqualTo(201);

        Harness.Answer negative = h.admin("PATCH", "/api/v1/settings/teams/default",
                "{\"default_agent_daily_limit_usd\": -1}");
        Harness.Answer nullFlag = h.admin("PATCH", "/api/v1/settings/teams/default", "{\"strict_agents\": null}");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().at("/error/details/field").asText()).isEqualTo("default_agent_daily_limit_usd");
        assertThat(nullFlag.status()).isEqualTo(400);
        assertThat(nullFlag.json().at("/error/details/field").asText()).isEqualTo("strict_agents");
        assertThat(h.admin("GET", "/api/v1/dashboard", null).json().at("/team/strict_agents").asBoolean()).isTrue();
    }
}
