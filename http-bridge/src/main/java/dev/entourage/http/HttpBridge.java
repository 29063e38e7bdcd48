package dev.entourage.http;

import dev.entourage.http.gateway.PendingSettles;
import dev.entourage.http.hooks.ClaudeCodeHookDoor;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.http.json.ReportJson;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.access.Role;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP bridge: one Jetty server with the REST routes under {@value #API_PREFIX}, {@code GET /healthz}, the
 * live event stream {@code GET /api/v1/events}, the dashboard's static files at {@code /} and {@code /assets/*}
 * (without credentials: the page holds no data), and the servlets handed to {@link #start} (MCP's {@code /mcp},
 * {@code /sse}, {@code /message}) behind the same
 * authentication and rate limits as the REST routes. A mounted servlet finds the caller's
 * {@link Principal} in the request attribute {@value #PRINCIPAL_ATTRIBUTE}.
 */
public final class HttpBridge implements AutoCloseable {
    /** The request attribute holding the authenticated {@link Principal}. */
    public static final String PRINCIPAL_ATTRIBUTE = "entourage.principal";
    /** The largest request body any route or mounted servlet takes (413 beyond). */
    public static final int MAX_BODY_BYTES = Call.MAX_BODY_BYTES;
    /** Where the REST routes live. */
    public static final String API_PREFIX = "/api/v1";
    /** How long {@link #close()} waits for requests in flight. */
    public static final long STOP_TIMEOUT_MILLIS = 5_000;
    /**
     * How long a connection may stay silent: a kept-alive connection between requests, and each blocking read of a
     * request (a body must also arrive whole within {@code BodyDeadline.TIMEOUT}).
     */
    public static final long IDLE_TIMEOUT_MILLIS = 30_000;
    /** How long, once stopping, a kept-alive connection with no request in flight stays open. */
    private static final long SHUTDOWN_IDLE_MILLIS = 200;

    private static final Logger LOG = LoggerFactory.getLogger(HttpBridge.class);

    /** How often the bridge looks for writes of other processes (stdio sidecars) for the live event stream. */
    static final Duration WATCH_INTERVAL = Duration.ofMillis(400);

    private final Server server;
    private final ServerConnector connector;
    private final String host;
    private final OpenStreams streams;
    private final EventFeed feed;
    private final AutoCloseable watcher;
    private final PendingSettles settles;
    private volatile boolean closed;

    private HttpBridge(Server server, ServerConnector connector, String host, OpenStreams streams, EventFeed feed,
                       AutoCloseable watcher, PendingSettles settles) {
        this.server = server;
        this.connector = connector;
        this.host = host;
        this.streams = streams;
        this.feed = feed;
        this.watcher = watcher;
        this.settles = settles;
    }

    /**
     * Starts the bridge and returns once it listens.
     *
     * @param extraServlets servlets by path spec ({@code /mcp}, {@code /sse}, {@code /message/*}), each behind the
     *                      same authentication and rate limits; none may claim {@value #API_PREFIX} or
     *                      {@code /healthz}
     * @throws IllegalArgumentException for a path spec that collides with the bridge's own
     * @throws CannotListen              when the address cannot be bound
     */
    public static HttpBridge start(BridgeConfig config, LedgerServices ledger, AccessService access,
                                   Map<String, HttpServlet> extraServlets) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(access, "access");
        Map<String, HttpServlet> extras = new LinkedHashMap<>(Objects.requireNonNull(extraServlets, "extraServlets"));
        extras.keySet().forEach(HttpBridge::checkPathSpec);

        Clock clock = ledger.clock();
        LedgerJson json = new LedgerJson(clock);
        ReportJson reports = new ReportJson(clock);
        Errors errors = new Errors(json);
        Principal everyone = config.noAuth()
                ? new Principal(Role.ADMIN, ledger.settings().ensureDefaultTeam().id(), null, "local")
                : null;
        Tokens tokens = new Tokens(access, clock);
        Authenticator authenticator = new Authenticator(access, tokens, everyone);
        RateLimits rateLimits = new RateLimits(config.rateLimitRpm(), Clock.systemUTC());
        Gate gate = new Gate(authenticator, rateLimits, errors);

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("entourage-http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.setErrorHandler(new JsonErrorHandlers.Context(errors));
        context.addServlet(new ServletHolder("entourage-api",
                new ApiServlet(RestRoutes.router(ledger, access, tokens, json, reports), errors)), API_PREFIX + "/*");
        OpenStreams streams = new OpenStreams(authenticator, OpenStreams.KEEP_ALIVE, OpenStreams.RECHECK);
        EventFeed feed = new EventFeed(ledger.events(), reports, streams);
        ServletHolder eventsHolder = new ServletHolder("entourage-events",
                new EventStream(streams, feed, reports, errors));
        eventsHolder.setAsyncSupported(true);
        context.addServlet(eventsHolder, API_PREFIX + "/events");
        context.addServlet(new ServletHolder("entourage-health", new SimpleServlets.Health(errors)), "/healthz");
        List<String> gated = new ArrayList<>(List.of(API_PREFIX + "/*"));
        context.addServlet(new ServletHolder("entourage-hooks",
                new HookServlet(new ClaudeCodeHookDoor(ledger), errors)), HookServlet.PATH);
        gated.add(HookServlet.PATH);
        PendingSettles settles = new PendingSettles();
        ServletHolder gatewayHolder = new ServletHolder("entourage-gateway", new dev.entourage.http.gateway
                .AnthropicGateway(ledger, key -> authenticator.authenticate(key, null), config.anthropicUpstream(),
                client -> rateLimits.take(RateLimits.Category.GATEWAY, client).retryAfterSeconds(),
                config.countTokens(), settles));
        gatewayHolder.setAsyncSupported(true);
        context.addServlet(gatewayHolder, dev.entourage.http.gateway.AnthropicGateway.PATH);
        ServletHolder openAiHolder = new ServletHolder("entourage-gateway-openai", new dev.entourage.http.gateway
                .OpenAiGateway(ledger, key -> authenticator.authenticate(key, null), config.openaiUpstream(),
                client -> rateLimits.take(RateLimits.Category.GATEWAY, client).retryAfterSeconds(), settles));
        openAiHolder.setAsyncSupported(true);
        context.addServlet(openAiHolder, dev.entourage.http.gateway.OpenAiGateway.PATH);
        extras.putAll(dev.entourage.http.otlp.OtlpReceiver.servlets(ledger));
        extras.forEach((pathSpec, servlet) -> {
            ServletHolder holder = new ServletHolder(servlet);
            holder.setAsyncSupported(true);
            context.addServlet(holder, pathSpec);
            gated.add(pathSpec);
        });
        if (!extras.containsKey("/")) {
            // The dashboard's static files (no data in them) at / and /assets/*, outside the gate; every other
            // unmatched path is the JSON 404.
            context.addServlet(new ServletHolder("entourage-dashboard", new DashboardServlet(errors)), "/");
        }
        FilterHolder gateHolder = new FilterHolder(gate);
        gateHolder.setName("entourage-gate");
        gateHolder.setAsyncSupported(true);
        FilterMapping mapping = new FilterMapping();
        mapping.setFilterName(gateHolder.getName());
        mapping.setPathSpecs(gated.toArray(String[]::new));
        mapping.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
        context.getServletHandler().addFilter(gateHolder, mapping);

        GracefulHandler graceful = new GracefulHandler(context);
        graceful.setShutdownIdleTimeout(SHUTDOWN_IDLE_MILLIS);
        server.setHandler(graceful);
        server.setErrorHandler(new JsonErrorHandlers.Server(errors));
        server.setStopTimeout(STOP_TIMEOUT_MILLIS);
        server.setStopAtShutdown(false);
        AutoCloseable watcher;
        dev.entourage.http.gateway.CallRecovery recovery = dev.entourage.http.gateway.CallRecovery.start(ledger);
        try {
            server.start();
            AutoCloseable changes = ledger.watchOtherWriters(WATCH_INTERVAL);
            watcher = () -> {
                recovery.close();
                changes.close();
            };
        } catch (Exception e) {
            recovery.close();
            feed.close();
            streams.close();
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw CannotListen.of(config, e);
        }
        HttpBridge bridge = new HttpBridge(server, connector, config.host(), streams, feed, watcher, settles);
        LOG.info("Entourage HTTP bridge listening on {}", bridge.uri());
        if (config.noAuth()) {
            LOG.warn("AUTHENTICATION IS OFF (--no-auth): every request to {} acts as admin of the default team. "
                    + "Only for one developer's own machine.", bridge.uri());
        }
        return bridge;
    }

    /** A request body is larger than {@link #MAX_BODY_BYTES}: thrown by its stream's read. */
    public static final class BodyTooLarge extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge(long max) {
            super("the request body is larger than " + max + " bytes");
        }
    }

    /** A request body did not arrive in time: thrown by its stream's read. */
    public static final class BodyTimedOut extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        BodyTimedOut(Duration timeout) {
            super("the request body did not arrive within " + timeout.toSeconds() + " s");
        }
    }

    /** The address could not be bound: the port is in use, or the host is not an address of this machine. */
    public static final class CannotListen extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final boolean portInUse;

        private CannotListen(String message, boolean portInUse, Throwable cause) {
            super(message, cause);
            this.portInUse = portInUse;
        }

        static CannotListen of(BridgeConfig config, Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.BindException && t.getMessage() != null
                        && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("in use")) {
                    return new CannotListen("port " + config.port() + " is in use (another entourage serve?): stop "
                            + "it, or pick another port with --port N (--port 0 picks a free one)", true, e);
                }
            }
            return new CannotListen("cannot listen on " + config.host() + ":" + config.port() + ": is "
                    + config.host() + " an address of this machine? (e.g. --host 127.0.0.1 or --host 0.0.0.0)",
                    false, e);
        }

        /** Whether the port is taken (else the host is the problem). */
        public boolean portInUse() {
            return portInUse;
        }
    }

    private static void checkPathSpec(String pathSpec) {
        Objects.requireNonNull(pathSpec, "path spec");
        if (!pathSpec.startsWith("/") || pathSpec.startsWith(API_PREFIX + "/") || pathSpec.equals(API_PREFIX)
                || pathSpec.equals("/healthz") || pathSpec.equals("/*")) {
            throw new IllegalArgumentException("cannot mount a servlet at '" + pathSpec + "': it must start with '/' "
                    + "and leave " + API_PREFIX + "/* and /healthz to the bridge");
        }
    }

    /** How many live event streams are open (for tests and diagnostics). */
    int openEventStreams() {
        return streams.size();
    }

    /** The port listened on: the configured one, or the one picked when it was 0. */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port}, e.g. to print or to point a client at. */
    public URI uri() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port());
    }

    /**
     * Waits until every model call the gateway has answered is recorded in the ledger (a call is settled just after
     * its response completes), up to {@code timeoutMillis}.
     *
     * @return whether none is left to record
     */
    public boolean awaitGatewayRecorded(long timeoutMillis) {
        return settles.awaitAll(timeoutMillis);
    }

    /** Stops accepting, lets requests in flight finish for up to {@value #STOP_TIMEOUT_MILLIS} ms, then stops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        feed.close();
        streams.close();
        try {
            watcher.close();
        } catch (Exception e) {
            LOG.warn("The change watcher did not stop cleanly", e);
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("The HTTP bridge did not stop cleanly", e);
        }
    }
}
