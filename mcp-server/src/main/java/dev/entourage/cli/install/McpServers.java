package dev.entourage.cli.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code entourage} entry of an {@code mcpServers} object (Claude Code's {@code ~/.claude.json} for the user,
 * {@code .mcp.json} for a project): the stdio sidecar on the local ledger, or MCP over HTTP at the bridge.
 */
final class McpServers {
    static final String NAME = "entourage";

    private McpServers() {
    }

    /** The stdio sidecar for {@code agent} on the ledger {@code db}, as Claude Code writes such an entry. */
    static ObjectNode stdio(List<String> launcher, String agent, String db) {
        ObjectNode server = JsonText.object().put("type", "stdio").put("command", launcher.get(0));
        List<String> args = new ArrayList<>(launcher.subList(1, launcher.size()));
        args.addAll(List.of("mcp", "--agent", agent, "--db", db));
        args.forEach(server.putArray("args")::add);
        server.putObject("env");
        return server;
    }

    /** MCP over Streamable HTTP at the bridge, with the key (and the agent, for an admin key). */
    static ObjectNode http(Connection connection) {
        ObjectNode server = JsonText.object().put("type", "http").put("url", connection.url() + "/mcp?agent="
                + java.net.URLEncoder.encode(connection.agent(), java.nio.charset.StandardCharsets.UTF_8));
        server.putObject("headers").put("X-API-Key", connection.key());
        return server;
    }

    /** {@code config} with our entry set to {@code server} (an entry already named {@code entourage} is replaced). */
    static ObjectNode put(ObjectNode config, Path file, ObjectNode server) {
        ObjectNode result = config.deepCopy();
        JsonNode servers = result.get("mcpServers");
        if (servers != null && !servers.isObject()) {
            throw JsonText.unreadable(file, "has an \"mcpServers\" that is not an object");
        }
        ObjectNode target = servers == null ? result.putObject("mcpServers") : (ObjectNode) servers;
        target.set(NAME, server);
        return result;
    }

    /** {@code config} without our entry ({@code mcpServers} goes too when that leaves it empty). */
    static ObjectNode remove(ObjectNode config) {
        ObjectNode result = config.deepCopy();
        if (result.get("mcpServers") instanceof ObjectNode servers && servers.has(NAME)) {
            servers.remove(NAME);
            if (servers.isEmpty()) {
                result.remove("mcpServers");
            }
        }
        return result;
    }
}
