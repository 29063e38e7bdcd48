package dev.entourage.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * An agent that spends money the way Entourage asks: it starts the {@code entourage mcp} sidecar over stdio
 * with the MCP Java SDK, opens a session, reports the tokens of every (simulated) model call, checks the
 * budget before expensive steps, stops as soon as it is told to, and always ends its session.
 *
 * <pre>
 * java -jar entourage.jar init --db demo.db
 * java -cp CLASSPATH dev.entourage.examples.AgentLoop --jar entourage.jar --db demo.db --agent demo \
 *     [--model claude-sonnet-4-20250514] [--task ID] [--steps 10]
 * </pre>
 *
 * <p>Prints one line of JSON on stdout, {@code {"steps_done", "stopped", "stop_reason", "session_id", "cost_usd"}},
 * and exits 0 whether it finished or was stopped; 1 on an unexpected error, 2 on bad arguments. What a real
 * agent would say to a human goes to stderr.
 */
public final class AgentLoop {
    static final String DEFAULT_MODEL = "claude-sonnet-4-20250514";

    /** Tokens of one simulated model call (Anthropic counting: input excludes cache reads). */
    static final int INPUT_TOKENS = 4000;
    static final int OUTPUT_TOKENS = 900;
    static final int CACHE_READ_TOKENS = 2000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private AgentLoop() {
    }

    /**
     * What to run.
     *
     * @param jar    the {@code entourage.jar} to start as the sidecar
     * @param db     the ledger database the sidecar writes to
     * @param agent  the agent this loop acts as
     * @param model  the model id usage is priced by
     * @param taskId the task whose cap applies, or null
     * @param steps  how many model calls to make at most
     */
    public record Options(Path jar, Path db, String agent, String model, Long taskId, int steps) {
        public Options {
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(db, "db");
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(model, "model");
            if (steps < 0) {
                throw new IllegalArgumentException("--steps must not be negative");
            }
        }

        /** Reads {@code --name value} pairs; throws {@link IllegalArgumentException} naming what is wrong. */
        public static Options parse(String... args) {
            Map<String, String> given = new HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                String name = args[i].startsWith("--") ? args[i].substring(2) : "";
                if (!Set.of("jar", "db", "agent", "model", "task", "steps").contains(name) || i + 1 == args.length) {
                    throw new IllegalArgumentException("unexpected argument: " + args[i]);
                }
                given.put(name, args[i + 1]);
            }
            return new Options(Path.of(required(given, "jar")), Path.of(required(given, "db")),
                    required(given, "agent"), given.getOrDefault("model", DEFAULT_MODEL),
                    given.containsKey("task") ? Long.valueOf(given.get("task")) : null,
                    Integer.parseInt(given.getOrDefault("steps", "10")));
        }

        private static String required(Map<String, String> given, String name) {
            String value = given.get(name);
            if (value == null) {
                throw new IllegalArgumentException("--" + name + " is required");
            }
            return value;
        }
    }

    /**
     * What happened.
     *
     * @param stepsDone  model calls made and reported
     * @param stopped    true when Entourage said stop (or refused the session) before all steps were done
     * @param stopReason why, e.g. {@code agent_daily}, {@code task} or {@code budget_exceeded}; null if not stopped
     * @param sessionId  the session, or null when it was refused
     * @param costUsd    what the session cost, as Entourage recorded it
     */
    public record Summary(int stepsDone, boolean stopped, String stopReason, Long sessionId, BigDecimal costUsd) {
        /** One line of JSON with snake_case names. */
        public String toJson() {
            return JSON.createObjectNode()
                    .put("steps_done", stepsDone)
                    .put("stopped", stopped)
                    .put("stop_reason", stopReason)
                    .put("session_id", sessionId)
                    .put("cost_usd", costUsd)
                    .toString();
        }
    }

    /** A tool answered {@code isError: true}; {@link #code} is Entourage's error code, e.g. {@code budget_exceeded}. */
    static final class ToolError extends RuntimeException {
        final String code;

        ToolError(String tool, CallToolResult result) {
            super(tool + ": " + line(result));
            this.code = errorBody(result).path("code").asText();
        }

        /** The line written for the model: {@code "code: message"}. */
        private static String line(CallToolResult result) {
            return result.content().stream().filter(TextContent.class::isInstance)
                    .map(content -> ((TextContent) content).text()).findFirst().orElse("failed");
        }

        /** {@code {"code", "message", "details"}}: under {@code _meta}, or (older servers) in structuredContent. */
        private static JsonNode errorBody(CallToolResult result) {
            Object body = result.meta() == null ? null : result.meta().get("entourage/error");
            return body != null ? JSON.valueToTree(body) : JSON.valueToTree(result.structuredContent()).path("error");
        }
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("agent-loop: " + e.getMessage());
            System.err.println("usage: AgentLoop --jar PATH --db PATH --agent NAME [--model ID] [--task ID] [--steps N]");
            System.exit(2);
            return;
        }
        try {
            System.out.println(run(options).toJson());
        } catch (RuntimeException e) {
            System.err.println("agent-loop: failed: " + (e instanceof ToolError ? e.getMessage() : e));
            System.exit(1);
        }
    }

    /** Starts the sidecar, does the work, and stops the sidecar again. */
    public static Summary run(Options options) {
        StdioClientTransport transport = new StdioClientTransport(
                ServerParameters.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString())
                        .args("-jar", options.jar().toString(), "mcp",
                                "--agent", options.agent(), "--db", options.db().toString())
                        .build(),
                new JacksonMcpJsonMapper(JSON));
        transport.setStdErrorHandler(line -> System.err.println("[entourage] " + line));
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        try {
            client.initialize();
            return work(client, options);
        } finally {
            client.closeGracefully();
        }
    }

    private static Summary work(McpSyncClient client, Options options) {
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("model", options.model());
        if (options.taskId() != null) {
            start.put("task_id", options.taskId());
        }
        JsonNode session;
        try {
            session = call(client, "start_session", start);
        } catch (ToolError refused) {
            if (!refused.code.equals("budget_exceeded")) {
                throw refused;
            }
            tellHuman(refused.code, refused.getMessage());
            return new Summary(0, true, refused.code, null, BigDecimal.ZERO);
        }
        long sessionId = session.path("session_id").asLong();
        int stepsDone = 0;
        String stopReason = stopReason(session);
        JsonNode ended;
        try {
            for (int step = 1; step <= options.steps() && stopReason == null; step++) {
                if (step % 3 == 0) {
                    JsonNode budget = call(client, "check_budget", Map.of());
                    if (budget.path("over_budget").asBoolean()) {
                        stopReason = budget.path("violations").path(0).path("scope").asText("over_budget");
                        break;
                    }
                }
                JsonNode usage = call(client, "report_usage", Map.of(
                        "session_id", sessionId,
                        "event_id", UUID.randomUUID().toString(),
                        "input_tokens", INPUT_TOKENS,
                        "output_tokens", OUTPUT_TOKENS,
                        "cache_read_input_tokens", CACHE_READ_TOKENS));
                stepsDone++;
                stopReason = stopReason(usage);
            }
        } finally {
            ended = call(client, "end_session", Map.of("session_id", sessionId));
        }
        if (stopReason != null) {
            tellHuman(stopReason, "session " + sessionId + " stopped after " + stepsDone + " steps");
        }
        return new Summary(stepsDone, stopReason != null, stopReason, sessionId,
                ended.path("cost_usd").decimalValue());
    }

    /** Calls a tool and returns its {@code structuredContent}; a domain error becomes a {@link ToolError}. */
    private static JsonNode call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        CallToolResult result = client.callTool(CallToolRequest.builder(tool).arguments(arguments).build());
        if (Boolean.TRUE.equals(result.isError())) {
            throw new ToolError(tool, result);
        }
        return JSON.valueToTree(result.structuredContent());
    }

    /** Null to go on; otherwise why Entourage said {@code "action": "stop"}. */
    private static String stopReason(JsonNode answer) {
        return "stop".equals(answer.path("action").asText()) ? answer.path("stop_reason").asText("stop") : null;
    }

    /** A real agent would stop here and ask a person; this one says so on stderr. */
    private static void tellHuman(String reason, String detail) {
        System.err.println("Stopping and telling a human (" + reason + "): " + detail);
    }
}
