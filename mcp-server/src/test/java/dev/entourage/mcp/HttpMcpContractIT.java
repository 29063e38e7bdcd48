package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

    @Test
    void anotherTeamsTaskIsNotFoundAsOverRest() {
        cli.ok("teams", "set", "other", "--daily-limit", "3");
        JsonNode task = parse(cli.output("tasks", "create", "--team", "other", "--title", "Theirs", "--budget",
                "0.75", "--json"));
        Door agent = door("eng-20");

        ToolAnswer budget = agent.call("check_budget", args("task_id", task.path("id").asLong()));
        assertThat(budget.isError()).as("another team's task must not be readable: " + budget.text()).isTrue();
        assertThat(budget.errorCode()).isEqualTo("not_found");
        assertThat(budget.text()).doesNotContain("0.75");
        ToolAnswer start = agent.call("start_session", args("task_id", task.path("id").asLong()));
        assertThat(start.errorCode()).isEqualTo("not_found");
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
