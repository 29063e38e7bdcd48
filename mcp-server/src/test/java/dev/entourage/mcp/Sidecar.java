package dev.entourage.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real {@code entourage mcp} process driven by the MCP SDK's stdio client; restarting starts a new process. */
final class Sidecar extends McpClientDoor {
    private final List<String> args;
    private final Map<String, String> env;

    Sidecar(Path db, String agent, String... extraArgs) {
        this(db, agent, Map.of(), extraArgs);
    }

    /** @param env variables added to the process's environment (e.g. {@code CLAUDE_CODE_SESSION_ID}) */
    Sidecar(Path db, String agent, Map<String, String> env, String... extraArgs) {
        this(db.toString(), agent, env, extraArgs);
    }

    /** @param db what {@code --db} names: a file, or a database URL such as {@code postgresql://…} */
    Sidecar(String db, String agent, Map<String, String> env, String... extraArgs) {
        this.args = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar(), "mcp",
                "--agent", agent, "--db", db, "--create"));
        this.args.addAll(List.of(extraArgs));
        this.env = Map.copyOf(env);
        start();
    }

    static String jar() {
        String jar = System.getProperty("entourage.jar");
        if (jar == null) {
            throw new IllegalStateException("system property entourage.jar is not set (run through failsafe)");
        }
        return jar;
    }

    @Override
    McpSyncClient connect() {
        StdioClientTransport transport = new StdioClientTransport(
                ServerParameters.builder("java").args(args).env(env).build(), new JacksonMcpJsonMapper(MAPPER));
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .loggingConsumer(this::logged)
                .initializationTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        return client;
    }
}
