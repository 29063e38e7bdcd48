package dev.entourage.app;

import dev.entourage.cli.Version;
import dev.entourage.http.BridgeConfig;
import dev.entourage.http.HttpBridge;
import dev.entourage.mcp.HttpMcp;
import java.util.Objects;

/** The running HTTP bridge: REST, MCP over HTTP ({@code /mcp}, {@code /sse}) over one open {@link Ledger}. */
public final class Bridge implements AutoCloseable {
    private final HttpMcp mcp;
    private final HttpBridge http;

    private Bridge(HttpMcp mcp, HttpBridge http) {
        this.mcp = mcp;
        this.http = http;
    }

    /** Starts listening; returns once requests are served. */
    public static Bridge start(Ledger ledger, BridgeConfig config) {
        Objects.requireNonNull(ledger, "ledger");
        HttpMcp mcp = HttpMcp.create(ledger.service(), config.host(), Version.VERSION);
        try {
            return new Bridge(mcp, HttpBridge.start(config, ledger.service(), ledger.access(), mcp.servlets()));
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
        http.close();
        mcp.close();
    }
}
