package dev.entourage.mcp;

import dev.entourage.app.Bridge;
import dev.entourage.app.Ledger;
import dev.entourage.http.BridgeConfig;
import dev.entourage.ledger.access.Role;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;

/** An in-process {@code entourage serve} on a free loopback port; restarting reopens the same database. */
final class BridgeFixture implements AutoCloseable {
    private final Path db;
    private Ledger ledger;
    private Bridge bridge;

    BridgeFixture(Path db) {
        this.db = db;
        start();
    }

    private void start() {
        ledger = Ledger.open(db.toString(), null, Clock.systemUTC());
        bridge = Bridge.start(ledger, new BridgeConfig("127.0.0.1", 0, 100_000, false));
    }

    Ledger ledger() {
        return ledger;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + bridge.port());
    }

    /** A new agent key for {@code agent} (created in the default team if new). */
    String agentKey(String agent) {
        return ledger.access().createKey("default", Role.AGENT, agent, "contract test").secret();
    }

    void restart() {
        close();
        start();
    }

    @Override
    public void close() {
        bridge.close();
        ledger.close();
    }
}
