package dev.entourage.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real {@code entourage mcp} process driven by the MCP SDK's stdio client. */
final class Sidecar implements Door {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<String> args;
    private McpSyncClient client;

    Sidecar(Path db, String agent, String... extraArgs) {
        this.args = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar(), "mcp",
                "--agent", agent, "--db", db.toString()));
        this.args.addAll(List.of(extraArgs));
        start();
    }

    static String jar() {
        String jar = System.getProperty("entourage.jar");
        if (jar == null) {
            throw new IllegalStateException("system property entourage.jar is not set (run through failsafe)");
        }
        return jar;
    }

    private void start() {
        StdioClientTransport transport = new StdioClientTransport(
                ServerParameters.builder("java").args(args).build(), new JacksonMcpJsonMapper(MAPPER));
        client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
    }

    McpSyncClient client() {
        return client;
    }

    @Override
    public ToolAnswer call(String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
        boolean isError = Boolean.TRUE.equals(result.isError());
        JsonNode structured = MAPPER.valueToTree(isError
                ? result.meta().get(LedgerTools.ERROR_META) : result.structuredContent());
        String text = result.content().isEmpty() ? "" : ((McpSchema.TextContent) result.content().get(0)).text();
        return new ToolAnswer(isError, structured, text);
    }

    @Override
    public void restart() {
        close();
        start();
    }

    @Override
    public void close() {
        if (client != null) {
            client.closeGracefully();
            client = null;
        }
    }
}
