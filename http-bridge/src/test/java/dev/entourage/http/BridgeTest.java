package dev.entourage.http;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.access.Role;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, configuring, mounting servlets beside the REST routes, and stopping. */
class BridgeTest {
    @TempDir
    Path dir;

    /** Echoes the principal it was handed, as MCP's servlets will read it. */
    static final class Echo extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Principal p = (Principal) request.getAttribute(HttpBridge.PRINCIPAL_ATTRIBUTE);
            response.setContentType("text/plain");
            response.getOutputStream().write((p.role().wireName() + " " + p.teamId() + " " + p.agentId())
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Answers after {@code release} opens, to show that stopping waits for requests in flight. */
    static final class Slow extends HttpServlet {
        private static final long serialVersionUID = 1L;
        final transient CountDownLatch entered = new CountDownLatch(1);

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            entered.countDown();
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            response.getOutputStream().write("done".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Throws, to show that a mounted servlet's failure is answered in the error shape. */
    static final class Broken extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) {
            throw new IllegalStateException("secret internal detail");
        }
    }

    @Test
    void noAuthIsRefusedUnlessBoundToLoopback() {
        assertThatThrownBy(() -> new BridgeConfig("0.0.0.0", 8000, 100, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> new BridgeConfig("192.168.1.5", 8000, 100, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BridgeConfig("example.com", 8000, 100, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BridgeConfig("::", 8000, 100, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BridgeConfig("127.0.0.1", 8000, 0, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BridgeConfig("127.0.0.1", 70000, 100, false))
                .isInstanceOf(IllegalArgumentException.class);
        for (String loopback : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]",
                "0:0:0:0:0:0:0:1"}) {
            assertThat(new BridgeConfig(loopback, 0, 100, true).noAuth()).as(loopback).isTrue();
        }
        assertThat(BridgeConfig.isLoopback("127.0.0.256")).isFalse();
        assertThat(new BridgeConfig("0.0.0.0", 0, 100, false).host()).isEqualTo("0.0.0.0");
        assertThat(BridgeConfig.defaults()).isEqualTo(new BridgeConfig("127.0.0.1", 8000, 100, false));
    }

    @Test
    void withoutAuthEveryRequestIsTheLocalAdmin() {
        Map<String, HttpServlet> extras = Map.of("/echo", new Echo());
        try (Harness h = Harness.start(dir, new BridgeConfig("127.0.0.1", 0, 100, true), extras)) {
            Harness.Answer agent = h.call("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}",
                    "Content-Type", "application/json");
            assertThat(agent.status()).as(agent.toString()).isEqualTo(201);
            assertThat(h.call("POST", "/api/v1/agents/eng-1/sessions", null).status()).isEqualTo(201);
            assertThat(h.call("GET", "/echo", null).body()).isEqualTo("admin " + h.team.id() + " null");
        }
    }

    @Test
    void withoutAuthOnlyThisMachinesPagesAndHostNamesAreServed() throws Exception {
        try (Harness h = Harness.start(dir, new BridgeConfig("127.0.0.1", 0, 100, true), Map.of("/mcp", new Echo()))) {
            Harness.Answer crossSite = h.call("POST", "/api/v1/teams/default/agents", null,
                    "Origin", "https://evil.example");
            assertThat(crossSite.status()).isEqualTo(403);
            assertThat(crossSite.errorCode()).isEqualTo("forbidden");
            assertThat(h.call("POST", "/mcp", "{}", "Origin", "null").status()).isEqualTo(403);
            assertThat(h.call("POST", "/mcp", "{}", "Origin", "http://localhost:5173").status()).isEqualTo(200);
            assertThat(h.call("GET", "/api/v1/teams/default/tasks", null, "Origin", "http://127.0.0.1:"
                    + h.bridge.port()).status()).isEqualTo(200);
            try (Socket socket = new Socket("127.0.0.1", h.bridge.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET /api/v1/teams/default/tasks HTTP/1.1\r\nHost: rebound.example:"
                        + h.bridge.port() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .startsWith("HTTP/1.1 403");
            }
        }
    }

    @Test
    void mountedServletsSitBehindTheSameAuthAndSeeThePrincipal() {
        Map<String, HttpServlet> extras = Map.of("/mcp", new Echo(), "/sse", new Echo(), "/message/*", new Echo());
        try (Harness h = Harness.start(dir, new BridgeConfig("127.0.0.1", 0, 100, false), extras)) {
            Harness.Answer anonymous = h.call("POST", "/mcp", "{}", "Content-Type", "application/json");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer realm=\"entourage\"");
            assertThat(h.call("GET", "/message/abc", null).status()).isEqualTo(401);

            String agentKey = h.key(Role.AGENT, "eng-1");
            long agentId = h.ledger.settings().agent(Actor.local(), Ref.parse("eng-1")).id();
            Harness.Answer asAgent = h.call("POST", "/mcp", "{}", "X-API-Key", agentKey);
            assertThat(asAgent.status()).isEqualTo(200);
            assertThat(asAgent.body()).isEqualTo("agent " + h.team.id() + " " + agentId);
            assertThat(asAgent.header("X-RateLimit-Limit")).isEqualTo("100");
            assertThat(h.call("GET", "/sse", null, "X-API-Key", h.adminKey).body()).startsWith("admin");
            assertThat(h.call("GET", "/message/x", null, "X-API-Key", h.adminKey).status()).isEqualTo(200);
        }
    }

    @Test
    void aFailingMountedServletIsAnsweredWithoutItsInternals() {
        try (Harness h = Harness.start(dir, new BridgeConfig("127.0.0.1", 0, 100, false), Map.of("/broken", new Broken()))) {
            Harness.Answer answer = h.call("GET", "/broken", null, "X-API-Key", h.adminKey);
            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.errorCode()).isEqualTo("internal");
            assertThat(answer.body()).doesNotContain("secret internal detail").doesNotContain("IllegalState");
        }
    }

    @Test
    void refusesServletsThatWouldShadowTheBridgesOwnPaths() {
        for (String path : new String[] {"/api/v1/*", "/api/v1/x", "/healthz", "/*", "mcp"}) {
            assertThatThrownBy(() -> Harness.start(dir.resolve(Integer.toString(path.hashCode())),
                    new BridgeConfig("127.0.0.1", 0, 100, false), Map.of(path, new Echo())))
                    .as(path).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void reportsThePortItPickedAndRefusesABusyOne() {
        try (Harness h = Harness.start(dir)) {
            assertThat(h.bridge.port()).isPositive();
            assertThat(h.bridge.uri().toString()).isEqualTo("http://127.0.0.1:" + h.bridge.port());
            assertThatThrownBy(() -> Harness.start(dir.resolve("second"),
                    new BridgeConfig("127.0.0.1", h.bridge.port(), 100, false), Map.of()))
                    .isInstanceOf(HttpBridge.CannotListen.class)
                    .hasMessageContaining("port " + h.bridge.port() + " is in use").hasMessageContaining("--port")
                    .satisfies(e -> assertThat(((HttpBridge.CannotListen) e).portInUse()).isTrue());
        }
    }

    @Test
    void closingLetsARequestInFlightFinish() throws Exception {
        Slow slow = new Slow();
        Harness h = Harness.start(dir, new BridgeConfig("127.0.0.1", 0, 100, false), Map.of("/slow", slow));
        try {
            CompletableFuture<Harness.Answer> inFlight = CompletableFuture.supplyAsync(
                    () -> h.call("GET", "/slow", null, "X-API-Key", h.adminKey));
            assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
            h.bridge.close();
            Harness.Answer answer = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("done");
        } finally {
            h.close();
        }
    }
}
