package dev.entourage.mcp;

import dev.entourage.http.BridgeConfig;
import dev.entourage.http.HttpBridge;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.access.Role;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The tools over HTTP: MCP Streamable HTTP at {@code /mcp} and the legacy SSE transport at {@code /sse}
 * (messages to {@code /message}), built from the same {@link LedgerTools} as stdio. The bridge's auth filter
 * runs first and leaves the {@link Principal} on the request; the agent is the agent key's, else (admin key,
 * or a bridge without auth) the one named by {@code ?agent=NAME}, else {@code local}. Foreign {@code Host} and
 * {@code Origin} headers are refused (DNS rebinding).
 */
public final class HttpMcp implements AutoCloseable {
    private static final String PRINCIPAL_ATTRIBUTE = HttpBridge.PRINCIPAL_ATTRIBUTE;
    static final String DEFAULT_AGENT = "local";
    private static final int MAX_CALLERS = 10_000;
    /** How long a Streamable HTTP session may stay idle (closed after one to two times this). */
    public static final Duration SESSION_IDLE = Duration.ofMinutes(15);
    /**
     * How often open MCP sessions are pinged: 30 s, or the seconds of system property
     * {@code entourage.mcp.keepAliveSeconds} (for tests).
     */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(Long.getLong("entourage.mcp.keepAliveSeconds", 30));
    /** Open MCP streams ({@code GET /sse}, {@code GET /mcp}) per key, as for {@code /api/v1/events}. */
    static final int MAX_STREAMS_PER_KEY = 16;

    private final LedgerServices ledger;
    private final McpSyncServer streamable;
    private final McpSyncServer sse;
    private final Map<String, HttpServlet> servlets;
    private final Map<String, Caller> callers = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Caller> eldest) {
                    return size() > MAX_CALLERS;
                }
            });

    /** The legacy SSE transport is deprecated in the SDK; older clients still need it. */
    @SuppressWarnings("deprecation")
    private HttpMcp(LedgerServices ledger, BridgeConfig config, String version, Duration sessionIdle) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(McpErrorBodies.mapper(Json.mapper()));
        DefaultServerTransportSecurityValidator validator = securityValidator(config);
        HttpServletStreamableServerTransportProvider streamableTransport =
                HttpServletStreamableServerTransportProvider.builder()
                        .jsonMapper(mapper)
                        .mcpEndpoint("/mcp")
                        .contextExtractor(HttpMcp::context)
                        .httpHeaderValidator(validator)
                        .keepAliveInterval(KEEP_ALIVE)
                        .maxRequestSize(HttpBridge.MAX_BODY_BYTES)
                        .sessionSweepInterval(sessionIdle)
                        .build();
        HttpServletSseServerTransportProvider sseTransport = HttpServletSseServerTransportProvider.builder()
                .jsonMapper(mapper)
                .sseEndpoint("/sse")
                .messageEndpoint("/message")
                .contextExtractor(HttpMcp::context)
                .httpHeaderValidator(validator)
                .keepAliveInterval(KEEP_ALIVE)
                .maxRequestSize(HttpBridge.MAX_BODY_BYTES)
                .build();
        LedgerTools tools = new LedgerTools(ledger);
        this.streamable = McpServer.sync(streamableTransport)
                .serverInfo("entourage", version)
                .instructions(LedgerTools.INSTRUCTIONS)
                .capabilities(ServerCapabilities.builder().tools(false).logging().build())
                .validateToolInputs(false)
                .tools(tools.specifications(this::caller))
                .build();
        this.sse = McpServer.sync(sseTransport)
                .serverInfo("entourage", version)
                .instructions(LedgerTools.INSTRUCTIONS)
                .capabilities(ServerCapabilities.builder().tools(false).logging().build())
                .validateToolInputs(false)
                .tools(tools.specifications(this::caller))
                .build();
        McpDoors doors = new McpDoors(streamableTransport, sseTransport, MAX_STREAMS_PER_KEY);
        Map<String, HttpServlet> map = new LinkedHashMap<>();
        map.put("/mcp", doors.streamable());
        map.put("/sse", doors.sse());
        map.put("/message", doors.sse());
        this.servlets = Map.copyOf(map);
    }

    /**
     * Builds both MCP servers; a Streamable HTTP session idle for {@link #SESSION_IDLE} to twice that (no request,
     * no open stream) is closed.
     *
     * @param config the bridge's: loopback names, the bound address and its {@code allowedHosts} and
     *               {@code allowedOrigins} are the {@code Host} and {@code Origin} values accepted
     */
    public static HttpMcp create(LedgerServices ledger, BridgeConfig config, String version) {
        return create(ledger, config, version, SESSION_IDLE);
    }

    /** As {@link #create(LedgerServices, BridgeConfig, String)}, with idle sessions closed after {@code sessionIdle}. */
    static HttpMcp create(LedgerServices ledger, BridgeConfig config, String version, Duration sessionIdle) {
        return new HttpMcp(ledger, config, version, sessionIdle);
    }

    /** The servlets to mount, by path: {@code /mcp}, {@code /sse}, {@code /message}. */
    public Map<String, HttpServlet> servlets() {
        return servlets;
    }

    private static DefaultServerTransportSecurityValidator securityValidator(BridgeConfig config) {
        String boundHost = config.host();
        List<String> hosts = new ArrayList<>(List.of("127.0.0.1", "localhost", "[::1]"));
        if (!hosts.contains(boundHost) && !boundHost.equals("::1") && !boundHost.equals("0.0.0.0")) {
            hosts.add(boundHost.contains(":") && !boundHost.startsWith("[") ? "[" + boundHost + "]" : boundHost);
        }
        for (String allowed : config.allowedHosts()) {
            if (!hosts.contains(allowed)) {
                hosts.add(allowed);
            }
        }
        DefaultServerTransportSecurityValidator.Builder builder = DefaultServerTransportSecurityValidator.builder();
        for (String host : hosts) {
            builder.allowedHost(host).allowedHost(host + ":*")
                    .allowedOrigin("http://" + host).allowedOrigin("https://" + host)
                    .allowedOrigin("http://" + host + ":*").allowedOrigin("https://" + host + ":*");
        }
        config.allowedOrigins().forEach(builder::allowedOrigin);
        return builder.build();
    }

    private static McpTransportContext context(HttpServletRequest request) {
        Map<String, Object> values = new LinkedHashMap<>();
        Object principal = request.getAttribute(PRINCIPAL_ATTRIBUTE);
        if (principal != null) {
            values.put(PRINCIPAL_ATTRIBUTE, principal);
        }
        String agent = request.getParameter("agent");
        if (agent != null) {
            values.put("agent", agent);
        }
        return McpTransportContext.create(values);
    }

    private Caller caller(McpSyncServerExchange exchange) {
        McpTransportContext context = exchange.transportContext();
        if (!(context.get(PRINCIPAL_ATTRIBUTE) instanceof Principal principal)) {
            throw new LedgerException(ErrorCode.UNAUTHENTICATED, "No credentials reached the MCP endpoint.");
        }
        Object named = context.get("agent");
        String key = exchange.sessionId() + "|" + principal.subject() + "|" + named;
        Caller known = callers.get(key);
        if (known != null) {
            return known;
        }
        Agent agent = agentFor(principal, named == null ? null : named.toString());
        Caller caller = principal.role() == Role.VIEWER ? Caller.viewer(agent) : new Caller(agent, null, null);
        callers.put(key, caller);
        return caller;
    }

    private Agent agentFor(Principal principal, String named) {
        Actor actor = principal.actor();
        if (principal.role() == Role.AGENT) {
            Agent bound = ledger.settings().agent(actor, Ref.id(principal.agentId()));
            if (named != null && !named.equals(bound.name())) {
                throw new LedgerException(ErrorCode.FORBIDDEN, "agent: this key acts for " + bound.name()
                        + " only", Map.of("field", "agent"), null);
            }
            return bound;
        }
        String name = named == null ? DEFAULT_AGENT : named;
        return principal.role() == Role.ADMIN
                ? ledger.settings().ensureAgent(actor, name, Ref.id(principal.teamId()))
                : ledger.settings().agent(actor, Ref.name(name));
    }

    @Override
    public void close() {
        streamable.closeGracefully();
        sse.closeGracefully();
    }
}
