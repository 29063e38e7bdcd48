package dev.entourage.app;

import dev.entourage.cli.Version;
import dev.entourage.http.AlertDispatcher;
import dev.entourage.http.BridgeConfig;
import dev.entourage.http.HttpBridge;
import dev.entourage.mcp.HttpMcp;
import java.util.Objects;

/**
 * The running HTTP bridge: REST, MCP over HTTP ({@code /mcp}, {@code /sse}) over one open {@link Ledger}, and the
 * alert dispatcher that POSTs alerts to the teams' webhooks (only here: the stdio sidecar records alerts, the
 * bridge delivers them).
 */
public final class Bridge implements AutoCloseable {
    private final HttpMcp mcp;
    private final HttpBridge http;
    private final AlertDispatcher alerts;

    private Bridge(HttpMcp mcp, HttpBridge http, AlertDispatcher alerts) {
        this.mcp = mcp;
        this.http = http;
        this.alerts = alerts;
    }

    /** Starts listening; returns once requests are served. */
    public static Bridge start(Ledger ledger, BridgeConfig config) {
        Objects.requireNonNull(ledger, "ledger");
        HttpMcp mcp = HttpMcp.create(ledger.services(), config, Version.VERSION);
        try {
            HttpBridge http = HttpBridge.start(config, ledger.services(), ledger.access(), mcp.servlets());
            return new Bridge(mcp, http, AlertDispatcher.start(ledger.services()));
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
        alerts.close();
        http.close();
        mcp.close();
    }
}
