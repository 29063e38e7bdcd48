package dev.entourage.http;

import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.access.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTest {
    private static final String PASSWORD = "correct horse battery staple";

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
    void refusesRequestsWithoutCredentialsWithAChallenge() {
        Harness.Answer answer = h.call("GET", "/api/v1/agents/eng-1/budget", null);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.errorCode()).isEqualTo("unauthenticated");
        assertThat(answer.headers().allValues("WWW-Authenticate"))
                .anySatisfy(v -> assertThat(v).startsWith("Bearer realm=\"entourage\""))
                .anySatisfy(v -> assertThat(v).contains("X-API-Key"));
        assertThat(answer.json().get("error").get("message").asText()).contains("X-API-Key");
        assertThat(answer.header("X-RateLimit-Limit")).isNotNull();
    }

    @Test
    void refusesUnknownMalformedAndRevokedKeys() {
        assertThat(h.call("GET", "/api/v1/auth/keys", null, "X-API-Key", "oc_nonsense").status()).isEqualTo(401);
        assertThat(h.call("GET", "/api/v1/auth/keys", null, "X-API-Key", "").status()).isEqualTo(401);
        assertThat(h.call("GET", "/api/v1/auth/keys", null, "Authorization", "Basic YWRtaW46YWRtaW4=").status())
                .isEqualTo(401);
        String viewer = h.key(Role.VIEWER, null);
        assertThat(h.as(viewer, "GET", "/api/v1/auth/keys", null).status()).isEqualTo(200);
        long id = h.access.keys(h.team.id()).stream().filter(k -> k.role() == Role.VIEWER).findFirst().orElseThrow().id();
        Harness.Answer revoked = h.admin("DELETE", "/api/v1/auth/keys/" + id, null);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.json().get("revoked").asBoolean()).isTrue();
        Harness.Answer after = h.as(viewer, "GET", "/api/v1/auth/keys", null);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.header("WWW-Authenticate")).contains("invalid_token");
    }

    @Test
    void acceptsAnApiKeyAsABearerToken() {
        assertThat(h.call("GET", "/api/v1/auth/keys", null, "Authorization", "Bearer " + h.adminKey).status())
                .isEqualTo(200);
    }

    @Test
    void healthzNeedsNoCredentials() {
        Harness.Answer answer = h.call("GET", "/healthz", null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("status").asText()).isEqualTo("ok");
        assertThat(answer.header("X-RateLimit-Limit")).isNull();
    }

    @Test
    void agentKeyActsOnlyForItsOwnAgent() {
        String eng1 = h.key(Role.AGENT, "eng-1");
        h.key(Role.AGENT, "eng-2");
        Harness.Answer own = h.as(eng1, "POST", "/api/v1/agents/eng-1/sessions", "{}");
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        long ownSession = own.json().get("id").asLong();

        Harness.Answer other = h.as(eng1, "POST", "/api/v1/agents/eng-2/sessions", "{}");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.errorCode()).isEqualTo("forbidden");
        assertThat(h.as(eng1, "GET", "/api/v1/agents/eng-2/budget", null).status()).isEqualTo(403);
        assertThat(h.as(eng1, "GET", "/api/v1/agents/eng-2/sessions", null).status()).isEqualTo(403);

        long othersSession = h.admin("POST", "/api/v1/agents/eng-2/sessions", "{}").json().get("id").asLong();
        String usage = "{\"input_tokens\": 10, \"output_tokens\": 5, \"cost_usd\": 0.01}";
        assertThat(h.as(eng1, "POST", "/api/v1/sessions/" + othersSession + "/usage", usage).status()).isEqualTo(403);
        assertThat(h.as(eng1, "POST", "/api/v1/sessions/" + othersSession + "/end", null).status()).isEqualTo(403);
        assertThat(h.as(eng1, "GET", "/api/v1/sessions/" + othersSession, null).status()).isEqualTo(403);
        assertThat(h.admin("GET", "/api/v1/sessions/" + othersSession, null).json().get("cost_usd").decimalValue())
                .isZero();

        assertThat(h.as(eng1, "POST", "/api/v1/sessions/" + ownSession + "/usage", usage).status()).isEqualTo(201);
        assertThat(h.as(eng1, "GET", "/api/v1/agents/eng-1/budget", null).status()).isEqualTo(200);
        assertThat(h.as(eng1, "POST", "/api/v1/sessions/" + ownSession + "/end", null).status()).isEqualTo(200);
    }

    @Test
    void agentKeyNeverChangesLimitsPauseTasksKeysOrKills() {
        String eng1 = h.key(Role.AGENT, "eng-1");
        long session = h.as(eng1, "POST", "/api/v1/agents/eng-1/sessions", "{}").json().get("id").asLong();
        assertThat(h.as(eng1, "PATCH", "/api/v1/settings/agents/eng-1", "{\"paused\": false}").status()).isEqualTo(403);
        assertThat(h.as(eng1, "PATCH", "/api/v1/settings/teams/default", "{\"daily_cost_limit_usd\": null}").status())
                .isEqualTo(403);
        assertThat(h.as(eng1, "POST", "/api/v1/teams/default/tasks", "{\"title\": \"t\"}").status()).isEqualTo(403);
        assertThat(h.as(eng1, "POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-9\"}").status()).isEqualTo(403);
        assertThat(h.as(eng1, "POST", "/api/v1/auth/keys", "{\"role\": \"admin\"}").status()).isEqualTo(403);
        assertThat(h.as(eng1, "GET", "/api/v1/auth/keys", null).status()).isEqualTo(403);
        assertThat(h.as(eng1, "POST", "/api/v1/sessions/" + session + "/kill", "{}").status()).isEqualTo(403);
        assertThat(h.as(eng1, "GET", "/api/v1/teams/default/costs", null).status()).isEqualTo(403);
        assertThat(h.access.keys(h.team.id())).hasSize(2);
    }

    @Test
    void viewerReadsButNeverWrites() {
        String viewer = h.key(Role.VIEWER, null);
        h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}");
        long session = h.admin("POST", "/api/v1/agents/eng-1/sessions", "{}").json().get("id").asLong();

        assertThat(h.as(viewer, "GET", "/api/v1/agents/eng-1/budget", null).status()).isEqualTo(200);
        assertThat(h.as(viewer, "GET", "/api/v1/sessions/" + session, null).status()).isEqualTo(200);
        assertThat(h.as(viewer, "GET", "/api/v1/teams/default/costs", null).status()).isEqualTo(200);
        assertThat(h.as(viewer, "GET", "/api/v1/teams/default/tasks", null).status()).isEqualTo(200);

        Harness.Answer write = h.as(viewer, "POST", "/api/v1/agents/eng-1/sessions", "{}");
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.errorCode()).isEqualTo("forbidden");
        assertThat(h.as(viewer, "POST", "/api/v1/sessions/" + session + "/usage",
                "{\"input_tokens\": 1, \"output_tokens\": 1}").status()).isEqualTo(403);
        assertThat(h.as(viewer, "POST", "/api/v1/sessions/" + session + "/end", null).status()).isEqualTo(403);
        assertThat(h.as(viewer, "PATCH", "/api/v1/settings/teams/default", "{\"paused\": true}").status())
                .isEqualTo(403);
        assertThat(h.as(viewer, "POST", "/api/v1/auth/keys", "{\"role\": \"viewer\"}").status()).isEqualTo(403);
        assertThat(h.admin("GET", "/api/v1/sessions/" + session, null).json().get("status").asText())
                .isEqualTo("active");
        assertThat(h.ledger.settings().team(Actor.local(), Ref.parse("default")).paused()).isFalse();
    }

    @Test
    void anotherTeamsObjectsDoNotExistForTheCaller() {
        h.ledger.settings().setTeam(Actor.local(), "blue", dev.entourage.ledger.TeamSettings.none());
        h.ledger.settings().setAgent(Actor.local(), "blue-1", Ref.parse("blue"), dev.entourage.ledger.AgentSettings.none());
        long blueSession = h.ledger.sessions().start(Actor.local(), Ref.id(h.ledger.settings().agent(Actor.local(), Ref.parse("blue-1")).id()), null, null).session().id();
        long blueTeam = h.ledger.settings().team(Actor.local(), Ref.parse("blue")).id();

        Harness.Answer agent = h.admin("GET", "/api/v1/agents/blue-1/budget", null);
        assertThat(agent.status()).isEqualTo(404);
        assertThat(agent.errorCode()).isEqualTo("not_found");
        assertThat(h.admin("GET", "/api/v1/sessions/" + blueSession, null).status()).isEqualTo(404);
        assertThat(h.admin("POST", "/api/v1/sessions/" + blueSession + "/kill", "{}").status()).isEqualTo(404);
        assertThat(h.admin("POST", "/api/v1/sessions/" + blueSession + "/usage",
                "{\"input_tokens\": 1, \"output_tokens\": 1}").status()).isEqualTo(404);
        assertThat(h.admin("PATCH", "/api/v1/settings/teams/blue", "{\"paused\": true}").status()).isEqualTo(404);
        assertThat(h.admin("PATCH", "/api/v1/settings/teams/" + blueTeam, "{\"paused\": true}").status())
                .isEqualTo(404);
        assertThat(h.admin("GET", "/api/v1/teams/blue/costs", null).status()).isEqualTo(404);
        assertThat(h.admin("PATCH", "/api/v1/settings/agents/blue-1", "{\"paused\": true}").status()).isEqualTo(404);
        assertThat(h.ledger.settings().team(Actor.local(), Ref.parse("blue")).paused()).isFalse();
        assertThat(h.ledger.settings().agent(Actor.local(), Ref.parse("blue-1")).paused()).isFalse();
        assertThat(h.ledger.sessions().get(Actor.local(), blueSession).status().wireName()).isEqualTo("active");
    }

    @Test
    void loginGivesATokenThatWorks() {
        h.access.addUser("ada@example.com", Role.ADMIN, Team.DEFAULT_NAME, PASSWORD.toCharArray());
        Harness.Answer login = h.call("POST", "/api/v1/auth/login",
                "{\"email\": \"ada@example.com\", \"password\": \"" + PASSWORD + "\"}", "Content-Type", "application/json");
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        assertThat(login.json().get("token_type").asText()).isEqualTo("bearer");
        assertThat(login.json().get("expires_in").asLong()).isEqualTo(900);
        String token = login.json().get("access_token").asText();

        Harness.Answer call = h.call("PATCH", "/api/v1/settings/teams/default", "{\"daily_cost_limit_usd\": 10}",
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
        assertThat(call.status()).as(call.toString()).isEqualTo(200);
        assertThat(h.call("GET", "/api/v1/auth/keys", null, "Authorization", "bearer " + token).status()).isEqualTo(200);
    }

    @Test
    void viewerTokenOnlyReads() {
        h.access.addUser("val@example.com", Role.VIEWER, Team.DEFAULT_NAME, PASSWORD.toCharArray());
        String token = h.call("POST", "/api/v1/auth/login",
                "{\"email\": \"val@example.com\", \"password\": \"" + PASSWORD + "\"}", "Content-Type", "application/json")
                .json().get("access_token").asText();
        assertThat(h.call("GET", "/api/v1/teams/default/costs", null, "Authorization", "Bearer " + token).status())
                .isEqualTo(200);
        assertThat(h.call("PATCH", "/api/v1/settings/teams/default", "{\"paused\": true}", "Authorization",
                "Bearer " + token, "Content-Type", "application/json").status()).isEqualTo(403);
    }

    @Test
    void wrongPasswordIsUnauthenticated() {
        h.access.addUser("ada@example.com", Role.ADMIN, Team.DEFAULT_NAME, PASSWORD.toCharArray());
        Harness.Answer wrong = h.call("POST", "/api/v1/auth/login",
                "{\"email\": \"ada@example.com\", \"password\": \"not the password\"}", "Content-Type", "application/json");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.errorCode()).isEqualTo("unauthenticated");
        assertThat(wrong.body()).doesNotContain("not the password");
        Harness.Answer unknown = h.call("POST", "/api/v1/auth/login",
                "{\"email\": \"nobody@example.com\", \"password\": \"whatever-it-is\"}", "Content-Type",
                "application/json");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(h.call("POST", "/api/v1/auth/login", "{\"email\": \"ada@example.com\"}", "Content-Type",
                "application/json").status()).isEqualTo(400);
    }

    @Test
    void refusesExpiredForgedAndForeignTokens() throws Exception {
        byte[] secret = h.access.tokenSecret();
        Instant now = Instant.now();
        JWTClaimsSet.Builder good = claims(now.minusSeconds(10), now.plusSeconds(600));

        assertThat(bearer(sign(JWSAlgorithm.HS256, secret, good.build()))).isEqualTo(200);
        assertThat(bearer(sign(JWSAlgorithm.HS256, secret,
                claims(now.minusSeconds(3600), now.minusSeconds(600)).build()))).isEqualTo(401);
        assertThat(bearer(new PlainJWT(good.build()).serialize())).isEqualTo(401);
        assertThat(bearer(noneToken(good.build()))).isEqualTo(401);
        assertThat(bearer(sign(JWSAlgorithm.HS512, concat(secret, secret), good.build()))).isEqualTo(401);
        assertThat(bearer(sign(JWSAlgorithm.HS256, "another secret of at least 32 bytes!!".getBytes(StandardCharsets.UTF_8),
                good.build()))).isEqualTo(401);
        assertThat(bearer(sign(JWSAlgorithm.HS256, secret,
                claims(now, now.plusSeconds(600)).audience("someone-else").build()))).isEqualTo(401);
        assertThat(bearer(sign(JWSAlgorithm.HS256, secret,
                new JWTClaimsSet.Builder(good.build()).expirationTime(null).build()))).isEqualTo(401);
        assertThat(bearer(sign(JWSAlgorithm.HS256, secret,
                new JWTClaimsSet.Builder(good.build()).issueTime(null).build()))).isEqualTo(401);
        assertThat(bearer(sign(JWSAlgorithm.HS256, secret,
                new JWTClaimsSet.Builder(good.build()).subject(null).build()))).isEqualTo(401);
        assertThat(bearer(sign(JWSAlgorithm.HS256, secret,
                new JWTClaimsSet.Builder(good.build()).claim("role", "agent").build()))).isEqualTo(401);
        assertThat(bearer(sign(JWSAlgorithm.HS256, secret,
                new JWTClaimsSet.Builder(good.build()).claim("team_id", 999).build()))).isEqualTo(404);
        assertThat(bearer("not.a.token")).isEqualTo(401);
        assertThat(bearer("")).isEqualTo(401);
    }

    @Test
    void refusesWritersRouteToViewer() {
        String viewer = h.key(Role.VIEWER, null);
        assertForbidden(h.as(viewer, "POST", "/api/v1/agents/eng-1/sessions", "{}"),
                "a viewer may only read; this needs an admin or agent key");
    }

    @Test
    void refusesAdminRouteToAgentAndViewerBeforeReadingQueryOrBody() {
        String agent = h.key(Role.AGENT, "eng-1");
        String viewer = h.key(Role.VIEWER, null);
        assertForbidden(h.as(agent, "POST", "/api/v1/sessions/1/kill", "{}"), "an agent key cannot change limits, "
                + "pause state, tasks, keys or kill sessions; this needs an admin");
        assertForbidden(h.as(viewer, "PATCH", "/api/v1/settings/teams/default?bogus=1", "{\"nonsense\": true}"),
                "a viewer may only read; this needs an admin");
    }

    @Test
    void refusesPeopleRouteToAgent() {
        String agent = h.key(Role.AGENT, "eng-1");
        assertForbidden(h.as(agent, "GET", "/api/v1/dashboard", null),
                "an agent key sees only its own agent; this needs an admin or viewer");
    }

    @Test
    void admitsAnyCredentialOnAuthenticatedRouteAndNoneOnPublicRoute() {
        String viewer = h.key(Role.VIEWER, null);
        assertThat(h.as(viewer, "GET", "/api/v1/teams/default/tasks", null).status()).isEqualTo(200);
        Harness.Answer login = h.call("POST", "/api/v1/auth/login", "{\"email\": \"nobody@example.com\", "
                + "\"password\": \"wrong\"}", "Content-Type", "application/json");
        assertThat(login.json().path("error").path("message").asText()).isEqualTo("The email or password is wrong.");
    }

    private static void assertForbidden(Harness.Answer answer, String message) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
        assertThat(answer.errorCode()).isEqualTo("forbidden");
        assertThat(answer.json().path("error").path("message").asText()).isEqualTo(message);
    }

    private int bearer(String token) {
        return h.call("GET", "/api/v1/teams/default/costs", null, "Authorization", "Bearer " + token).status();
    }

    private JWTClaimsSet.Builder claims(Instant issued, Instant expires) {
        return new JWTClaimsSet.Builder()
                .issuer("entourage")
                .audience("entourage")
                .subject("user:ada@example.com")
                .issueTime(Date.from(issued))
                .expirationTime(Date.from(expires))
                .claim("role", "admin")
                .claim("team_id", h.team.id());
    }

    private static String sign(JWSAlgorithm algorithm, byte[] secret, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    /** A token whose header says {@code "alg": "none"} with an empty signature, as attackers send it. */
    private static String noneToken(JWTClaimsSet claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

}
