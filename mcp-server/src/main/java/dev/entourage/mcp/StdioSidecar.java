package dev.entourage.mcp;

import dev.entourage.http.json.Json;
import dev.entourage.ledger.LedgerServices;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the tools over stdio until stdin ends; the process then exits promptly. Calls run one at a time on
 * the thread that reads stdin ({@code immediateExecution}): a sidecar serves one agent, answers come in the
 * order asked, and a client that writes its requests and closes stdin still gets every answer.
 */
public final class StdioSidecar {
    /** How long in-flight calls and ending the open session get after stdin ends. */
    private static final Duration DRAIN = Duration.ofMillis(700);
    private static final Logger LOG = LoggerFactory.getLogger(StdioSidecar.class);

    private StdioSidecar() {
    }

    /**
     * The client is gone, and with it the block of work: end the session this sidecar opened, if any. A Claude Code
     * session this sidecar joined is left open: Claude Code's SessionEnd hook ends it (a restarted MCP server must
     * not end a session that goes on).
     */
    private static void endOpenSession(LedgerServices ledger, Caller caller) {
        Long open = caller.openSessionId();
        if (open == null || caller.claudeCodeSessionId() != null) {
            return;
        }
        try {
            ledger.sessions().end(caller.actor(), open);
        } catch (RuntimeException e) {
            LOG.warn("Could not end session {} after the client left: {}", open, e.getMessage());
        }
    }

    /** The four ledger tools and {@code claude_code_hook}, which only the stdio sidecar serves. */
    private static List<SyncToolSpecification> tools(LedgerServices ledger, Caller caller) {
        List<SyncToolSpecification> tools = new ArrayList<>(new LedgerTools(ledger).specifications(exchange -> caller));
        tools.add(new ClaudeCodeHookTool(ledger).specification(caller));
        return tools;
    }

    /**
     * Runs the MCP server on {@code in}/{@code out} for {@code caller} and blocks until {@code in} ends.
     *
     * @param out the real stdout; nothing but MCP messages is written to it
     */
    public static void serve(LedgerServices ledger, Caller caller, InputStream in, PrintStream out, String version)
            throws InterruptedException {
        CountDownLatch ended = new CountDownLatch(1);
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(Json.mapper());
        AnswerCountingStream answers = new AnswerCountingStream(out);
        StdioServerTransportProvider transport = new StdioServerTransportProvider(
                mapper, new JsonRpcLineGuard(in, answers, mapper, ended::countDown), answers);
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("entourage", version)
                .instructions(LedgerTools.INSTRUCTIONS)
                .capabilities(ServerCapabilities.builder().tools(false).logging().build())
                .validateToolInputs(false)
                .immediateExecution(true)
                .tools(tools(ledger, caller))
                .build();
        ended.await();
        ExecutorService closer = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "entourage-close");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Future<?> closing = closer.submit(() -> {
                endOpenSession(ledger, caller);
                server.closeGracefully();
            });
            closing.get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            server.close();
        } finally {
            closer.shutdownNow();
        }
    }
}
