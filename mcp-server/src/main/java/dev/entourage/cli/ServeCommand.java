package dev.entourage.cli;

import dev.entourage.app.Bridge;
import dev.entourage.app.Ledger;
import dev.entourage.http.BridgeConfig;
import dev.entourage.http.HttpBridge;
import dev.entourage.ledger.LedgerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code entourage serve}: the HTTP bridge until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the HTTP bridge: REST under /api/v1, MCP over Streamable HTTP at /mcp (legacy SSE at "
                + "/sse), OTLP/HTTP telemetry at /v1/logs and /v1/metrics, GET /healthz, and the live dashboard "
                + "at / (open it in a browser and sign in with an admin or viewer key). Every route but /healthz, /api/v1/auth/login and the dashboard's static "
                + "files needs X-API-Key or a bearer token (see `entourage init` and `entourage keys`).",
                "Stops gracefully on SIGTERM or Ctrl-C: requests in flight finish, then it exits with 0."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    private static final int DEFAULT_RPM = 100;
    private static final List<String> RPM_VARIABLES = List.of("ENTOURAGE_RATE_LIMIT_RPM", "OPENCLAW_RATE_LIMIT_RPM");

    @Mixin
    StoreOptions store;

    @Option(names = "--prices", paramLabel = "FILE",
            description = "A price table (CSV, see `entourage prices --help`) layered on the bundled one; watched "
                    + "every 2 s and put in force when it changes (a file that does not parse keeps the old table), "
                    + "or at once with POST /api/v1/prices/reload.")
    java.nio.file.Path prices;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = BridgeConfig.DEFAULT_HOST,
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8000",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--rate-limit-rpm", paramLabel = "N",
            description = "Requests per minute per client on general routes (env ENTOURAGE_RATE_LIMIT_RPM or the "
                    + "guide's OPENCLAW_RATE_LIMIT_RPM; default: " + DEFAULT_RPM + "). /auth/* is always 10.")
    Integer rateLimitRpm;

    @Option(names = "--create", description = "Create the ledger if it does not exist (without it, only the "
            + "default path is created on first use; a missing --db or ENTOURAGE_DB is refused).")
    boolean create;

    private final Map<String, String> env;

    ServeCommand() {
        this(System.getenv());
    }

    ServeCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Option(names = "--allowed-hosts", paramLabel = "NAME", split = ",",
            description = "More Host names MCP over HTTP (/mcp, /sse) answers, comma-separated, e.g. "
                    + "bridge.lan,192.168.1.20 (default: loopback names and --host; any other Host gets 421, "
                    + "against DNS rebinding).")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--allowed-origins", paramLabel = "ORIGIN", split = ",",
            description = "More Origin values MCP over HTTP accepts, comma-separated, e.g. "
                    + "https://app.example.com (the --allowed-hosts are allowed as origins already).")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--anthropic-upstream", paramLabel = "URL", description = "Where the gateway at /anthropic "
            + "forwards model calls (default: ${DEFAULT-VALUE}).")
    String anthropicUpstream = "https://api.anthropic.com";

    @Option(names = "--openai-upstream", paramLabel = "URL", description = "Where the gateway at /openai "
            + "forwards model calls (default: ${DEFAULT-VALUE}).")
    String openaiUpstream = "https://api.openai.com";

    @Option(names = "--gateway-count-tokens", description = "Size the hold of a call through /anthropic by asking "
            + "the upstream's count_tokens first: a tighter hold for one more upstream round trip per call. Without "
            + "it the hold is sized by the request body's size (one token per four bytes), which errs high.")
    boolean gatewayCountTokens;

    @Option(names = "--no-auth", description = "Serve without credentials, as admin of the default team. Only on "
            + "a loopback address, for one developer's own machine.")
    boolean noAuth;

    @Override
    public Integer call() throws InterruptedException {
        BridgeConfig config;
        int rpm = rateLimitRpm();
        if (rpm < 1) {
            throw LedgerException.invalid("--rate-limit-rpm", "must be at least 1, not " + rpm);
        }
        try {
            config = new BridgeConfig(host, port, rpm, noAuth, allowedHosts, allowedOrigins,
                    BridgeConfig.upstream("--anthropic-upstream", anthropicUpstream),
                    BridgeConfig.upstream("--openai-upstream", openaiUpstream), gatewayCountTokens);
        } catch (BridgeConfig.Invalid e) {
            throw LedgerException.invalid(e.option(), e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        store.prices = prices;
        Ledger ledger = store.openForService(create);
        AtomicReference<Bridge> running = new AtomicReference<>();
        // Registered before the bridge answers: a SIGTERM as soon as /healthz answers must stop it gracefully too.
        Thread shutdown = new Thread(() -> {
            LOG.info("Stopping: finishing requests in flight");
            Bridge started = running.get();
            try {
                if (started != null) {
                    started.close();
                }
            } catch (RuntimeException e) {
                LOG.warn("The bridge did not stop cleanly", e);
            } finally {
                ledger.close();
            }
            stopped.countDown();
            LOG.info("Stopped");
            Runtime.getRuntime().halt(0);
        }, "entourage-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        Bridge bridge;
        try {
            bridge = Bridge.start(ledger, config);
        } catch (RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            ledger.close();
            if (e instanceof HttpBridge.CannotListen listen) {
                throw LedgerException.invalid(listen.portInUse() ? "--port" : "--host", listen.getMessage());
            }
            throw e;
        }
        running.set(bridge);
        String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bridge.port();
        String browse = "http://" + (host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1"
                : host.contains(":") ? "[" + host + "]" : host) + ":" + bridge.port();
        LOG.info("Entourage {} serving {} on {}: REST {}/api/v1, MCP {}/mcp, SSE {}/sse, OTLP {} (/v1/logs, "
                + "/v1/metrics)", Version.VERSION, ledger.admin().location(), base, base, base, base, base);
        LOG.info("Dashboard: {}/ (sign in with an admin or viewer key)", browse);
        if (!noAuth && ledger.access().keys(ledger.services().settings().ensureDefaultTeam().id()).isEmpty()) {
            LOG.warn("No API key exists yet, so every route but /healthz answers 401: run `entourage init` "
                    + "(or `entourage keys create --role admin`) to make one.");
        }
        if (noAuth) {
            LOG.warn("*** --no-auth: NO CREDENTIALS NEEDED. Anyone on this machine acts as admin of the default "
                    + "team. For your own machine only. ***");
        }
        stopped.await();
        return 0;
    }

    /** {@code --rate-limit-rpm}, else the first of {@link #RPM_VARIABLES} that is set, else the default. */
    private int rateLimitRpm() {
        if (rateLimitRpm != null) {
            return rateLimitRpm;
        }
        for (String variable : RPM_VARIABLES) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                try {
                    return Integer.parseInt(value.strip());
                } catch (NumberFormatException e) {
                    throw LedgerException.invalid(variable, "'" + value + "' is not a whole number of requests "
                            + "per minute");
                }
            }
        }
        return DEFAULT_RPM;
    }
}
