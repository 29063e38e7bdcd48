package dev.entourage.http;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.ledger.access.Role;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimitTest {
    @TempDir
    Path dir;

    @Test
    void the101stRequestOfAMinuteIsRefusedWithRetryAfter() {
        try (Harness h = Harness.start(dir, new BridgeConfig("127.0.0.1", 0, 100, false), Map.of())) {
            long now = Instant.now().getEpochSecond();
            for (int i = 1; i <= 100; i++) {
                Harness.Answer answer = h.admin("GET", "/api/v1/teams/default/tasks", null);
                assertThat(answer.status()).as("request %d: %s", i, answer).isEqualTo(200);
                assertThat(answer.header("X-RateLimit-Limit")).isEqualTo("100");
                assertThat(answer.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(100 - i));
                assertThat(Long.parseLong(answer.header("X-RateLimit-Reset"))).isBetween(now, now + 62);
            }
            Harness.Answer refused = h.admin("GET", "/api/v1/teams/default/tasks", null);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.errorCode()).isEqualTo("rate_limited");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
            assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
            assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("100");

            Harness.Answer otherClient = h.as(h.key(Role.VIEWER, null), "GET", "/api/v1/teams/default/tasks", null);
            assertThat(otherClient.status()).as("another key has its own bucket").isEqualTo(200);
            assertThat(h.call("GET", "/healthz", null).status()).isEqualTo(200);
        }
    }

    @Test
    void aConfiguredLimitOfFiveRefusesTheSixth() {
        try (Harness h = Harness.start(dir, new BridgeConfig("127.0.0.1", 0, 5, false), Map.of())) {
            for (int i = 0; i < 5; i++) {
                assertThat(h.admin("GET", "/api/v1/teams/default/tasks", null).header("X-RateLimit-Limit"))
                        .isEqualTo("5");
            }
            Harness.Answer refused = h.admin("POST", "/api/v1/teams/default/tasks", "{\"title\": \"t\"}");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(h.ledger.reports().tasks(Actor.local(), Ref.parse("default"))).isEmpty();
        }
    }

    @Test
    void errorsCountAndCarryTheHeadersToo() {
        try (Harness h = Harness.start(dir, new BridgeConfig("127.0.0.1", 0, 3, false), Map.of())) {
            Harness.Answer unauthenticated = h.call("GET", "/api/v1/teams/default/tasks", null);
            assertThat(unauthenticated.status()).isEqualTo(401);
            assertThat(unauthenticated.header("X-RateLimit-Remaining")).isEqualTo("2");
            Harness.Answer notFound = h.admin("GET", "/api/v1/nothing-here", null);
            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.header("X-RateLimit-Limit")).isEqualTo("3");
            h.call("GET", "/api/v1/teams/default/tasks", null, "X-API-Key", "oc_wrong");
            h.call("GET", "/api/v1/teams/default/tasks", null, "X-API-Key", "oc_wrong");
            Harness.Answer guessing = h.call("GET", "/api/v1/teams/default/tasks", null, "X-API-Key", "oc_wrong");
            assertThat(guessing.status()).as("key guessing from one address is limited").isEqualTo(429);
        }
    }

    @Test
    void authRoutesAllowTenAMinuteWhateverTheGeneralLimit() {
        try (Harness h = Harness.start(dir)) {
            String body = "{\"email\": \"nobody@example.com\", \"password\": \"wrong-password\"}";
            for (int i = 0; i < 10; i++) {
                Harness.Answer answer = h.call("POST", "/api/v1/auth/login", body, "Content-Type", "application/json");
                assertThat(answer.status()).isEqualTo(401);
                assertThat(answer.header("X-RateLimit-Limit")).isEqualTo("10");
            }
            Harness.Answer refused = h.call("POST", "/api/v1/auth/login", body, "Content-Type", "application/json");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(h.admin("GET", "/api/v1/teams/default/tasks", null).status()).isEqualTo(200);
        }
    }

    @Test
    void idleBucketsAreForgottenAndTheirCountIsBounded() {
        RateLimits limits = new RateLimits(2, java.time.Clock.systemUTC());
        for (int i = 0; i < RateLimits.MAX_CLIENTS + 10; i++) {
            limits.take(RateLimits.Category.GENERAL, "client-" + i);
        }
        assertThat(limits.size()).isLessThanOrEqualTo(RateLimits.MAX_CLIENTS);
        assertThat(limits.take(RateLimits.Category.GENERAL, "x").allowed()).isTrue();
        assertThat(limits.take(RateLimits.Category.GENERAL, "x").allowed()).isTrue();
        assertThat(limits.take(RateLimits.Category.GENERAL, "x").allowed()).isFalse();
    }
}
