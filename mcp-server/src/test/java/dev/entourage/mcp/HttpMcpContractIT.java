package dev.entourage.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** The contract through MCP over Streamable HTTP ({@code /mcp}) with an agent key. */
class HttpMcpContractIT extends LedgerContract {
    private BridgeFixture bridge;

    @Override
    Door open(Path db, String agent) {
        if (bridge == null) {
            bridge = new BridgeFixture(db);
        }
        return new HttpMcpDoor(bridge, bridge.agentKey(agent));
    }

    @AfterEach
    void stopBridge() {
        if (door != null) {
            door.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    /** The SDK's Streamable HTTP client, sending the agent key on every request. */
    static final class HttpMcpDoor extends McpClientDoor {
        private final BridgeFixture bridge;
        private final String key;

        HttpMcpDoor(BridgeFixture bridge, String key) {
            this.bridge = bridge;
            this.key = key;
            start();
        }

        @Override
        McpSyncClient connect() {
            HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                    .builder(bridge.uri().toString())
                    .endpoint("/mcp")
                    .jsonMapper(new JacksonMcpJsonMapper(MAPPER))
                    .requestBuilder(HttpRequest.newBuilder().header("X-API-Key", key))
                    .build();
            McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .loggingConsumer(this::logged)
                    .initializationTimeout(Duration.ofSeconds(30)).build();
            client.initialize();
            return client;
        }

        @Override
        public void restart() {
            close();
            bridge.restart();
            start();
        }
    }
}
