package dev.entourage.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/** A door through the MCP SDK's client, over whichever transport {@link #connect()} picks. */
abstract class McpClientDoor implements Door {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private McpSyncClient client;
    /** The logging notifications the server sent this door's clients. */
    final java.util.List<McpSchema.LoggingMessageNotification> logs =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** For {@code loggingConsumer}: keeps what the server logged to the client. */
    void logged(McpSchema.LoggingMessageNotification notification) {
        logs.add(notification);
    }

    /** Connects a new, initialized client. */
    abstract McpSyncClient connect();

    final void start() {
        client = connect();
    }

    McpSyncClient client() {
        return client;
    }

    @Override
    public ToolAnswer call(String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = client.callTool(
                McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
        boolean isError = Boolean.TRUE.equals(result.isError());
        String text = result.content().isEmpty() ? "" : ((McpSchema.TextContent) result.content().get(0)).text();
        if (isError && (result.meta() == null || !result.meta().containsKey(LedgerTools.ERROR_META))) {
            return new ToolAnswer(true, MAPPER.createObjectNode().put("message", text), text);
        }
        JsonNode structured = MAPPER.valueToTree(isError
                ? result.meta().get(LedgerTools.ERROR_META) : result.structuredContent());
        Conformance.check(Conformance.mcpShape(tool, arguments, isError), structured);
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
