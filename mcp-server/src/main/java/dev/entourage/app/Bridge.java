package dev.entourage.app;

import dev.entourage.cli.Version;
import dev.entourage.http.AlertDispatcher;
import dev.entourage.http.BridgeConfig;
import dev.entourage.http.HttpBridge;
import dev.entourage.mcp.HttpMcp;
import java.time.Duration;
import java.util.Objects;

/**
 * The running HTTP bridge: REST, MCP over HTTP ({@code /mcp}, {@code /sse}) over one open {@link Ledger}, and the
 * alert dispatcher that POSTs alerts to the teams' webhooks (only here: the stdio sidecar records alerts, the
 * bridge delivers them), and the watch that reloads the {@code --prices} file when it changes.
 */
public final class Bridge implements AutoCloseable {
    /** How often the {@code --prices} file is looked at for a change. */
    static final Duration PRICE_WATCH_EVERY = Duration.ofSeconds(2);
    private final HttpMcp mcp;
    private final HttpBridge http;
    private final AlertDispatcher alerts;
    private final AutoCloseable priceWatch;

    private Bridge(HttpMcp mcp, HttpBridge http, AlertDispatcher alerts, AutoCloseable priceWatch) {
        this.mcp = mcp;
        this.http = http;
        this.alerts = alerts;
        this.priceWatch = priceWatch;
    }

    /** Starts listening; returns once requests are served. */
    public static Bridge start(Ledger ledger, BridgeConfig config) {
        Objects.requireNonNull(ledger, "ledger");
        HttpMcp mcp = HttpMcp.create(ledger.services(), config, Version.VERSION);
        try {
            HttpBridge http = HttpBridge.start(config, ledger.services(), ledger.access(), mcp.servlets());
            return new Bridge(mcp, http, AlertDispatcher.start(ledger.services()),
                    ledger.services().watchPrices(PRICE_WATCH_EVERY));
        } catch (RuntimeException e) {
            mcp.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    /** Stops taking requests, lets those in flight finish, then closes the MCP servers. */
    @Override
    public void close() {
        try {
            priceWatch.close();
        } catch (Exception e) {
            throw new IllegalStateException("the price watch did not stop", e);
        }
        alerts.close();
        http.close();
        mcp.close();
    }
}
