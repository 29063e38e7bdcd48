package dev.entourage.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.hooks.GitHead;
import dev.entourage.http.json.Json;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.http.json.LedgerRequests;
import dev.entourage.ledger.Alert;
import dev.entourage.ledger.Budget;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.HoldReceipt;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SessionStart;
import dev.entourage.ledger.UsageReceipt;
import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The four MCP tools. Each decodes its arguments, calls one {@link LedgerServices} method, and answers with
 * {@code structuredContent} (the REST shape) plus a one-line summary; ledger errors become {@code isError}
 * results carrying a {@code code}. The same specifications serve stdio and, later, HTTP transports.
 */
public final class LedgerTools {
    /** What the server tells the agent about how to use it. */
    public static final String INSTRUCTIONS = """
            Entourage tracks what you spend and stops you before a budget is exceeded. Follow this protocol:
            1. Call start_session when you begin a task (pass task_id if you were given one, and your model).
            2. After EVERY model call, call report_usage with the call's input_tokens, output_tokens and cache \
            token counts (and cost_usd if you know it). Give each report an event_id and reuse it when retrying.
            3. Before an expensive step (a large prompt, a long tool run, spawning work), call check_budget; pass \
            estimated_cost_usd to reserve that amount, and pass the hold_id it returns to the report_usage of \
            that step (a hold expires after a few minutes if unused). If the estimate does not fit, do not start \
            the step.
            4. When any answer says "action": "stop" (or over_budget is true, or start_session fails with \
            budget_exceeded), stop working, do not try to work around it, and tell a human why (stop_reason).
            5. Call end_session when the task is done.""";

    /** The {@code _meta} key of an error result's body: {@code {"code", "message", "details"}}. */
    public static final String ERROR_META = "entourage/error";

    private static final Logger LOG = LoggerFactory.getLogger(LedgerTools.class);
    private static final ObjectMapper MAPPER = Json.mapper();

    private final LedgerServices ledger;
    private final LedgerJson json;

    public LedgerTools(LedgerServices ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.json = new LedgerJson(ledger.clock());
    }

    /** The tool specifications, acting for the caller that {@code callers} finds for each exchange. */
    public List<SyncToolSpecification> specifications(Function<McpSyncServerExchange, Caller> callers) {
        return List.of(
                tool("start_session", "Start a session", "Open a session for a block of work before you start a "
                                + "task. Refused with budget_exceeded when you are over budget.",
                        ToolSchemas.startSessionInput(), ToolSchemas.startSessionOutput(), Access.WRITES, callers,
                        this::startSession),
                tool("report_usage", "Report token usage", "Record the tokens (and cost) of a model call. Call "
                                + "after every model call; pass hold_id to settle a reservation. Answers with totals, "
                                + "the budget, and action continue|stop.",
                        ToolSchemas.reportUsageInput(), ToolSchemas.reportUsageOutput(), Access.WRITES, callers,
                        this::reportUsage),
                tool("check_budget", "Check the budget", "Ask whether you are within budget before an expensive "
                                + "step. With estimated_cost_usd it also reserves that amount when it fits and "
                                + "returns a hold_id for report_usage; when it does not fit it fails with "
                                + "budget_exceeded naming the scope. Without an estimate it only reads.",
                        ToolSchemas.checkBudgetInput(), ToolSchemas.checkBudgetOutput(), Access.READS_OR_RESERVES,
                        callers, this::checkBudget),
                tool("end_session", "End the session", "Close a session when its work is done. Ending twice is "
                                + "fine.",
                        ToolSchemas.endSessionInput(), ToolSchemas.session(), Access.WRITES, callers,
                        this::endSession));
    }

    /** Who may call a tool, and what its annotations say. */
    private enum Access {
        /** Writes: refused to viewers; idempotent (with event ids, or by nature). */
        WRITES,
        /** Reads, or with an estimate reserves (which viewers may not); not idempotent. */
        READS_OR_RESERVES
    }

    private interface Handler {
        CallToolResult handle(Caller caller, JsonNode arguments, McpSyncServerExchange exchange);
    }

    private SyncToolSpecification tool(String name, String title, String description, Map<String, Object> input,
                                       Map<String, Object> output, Access access,
                                       Function<McpSyncServerExchange, Caller> callers, Handler handler) {
        boolean writes = access == Access.WRITES;
        Tool tool = Tool.builder(name, input)
                .title(title)
                .description(description)
                .outputSchema(output)
                .annotations(new ToolAnnotations(title, false, false, writes, false, false))
                .build();
        return new SyncToolSpecification(tool,
                (exchange, request) -> call(name, writes, callers, handler, exchange, request));
    }

    private CallToolResult call(String name, boolean writes, Function<McpSyncServerExchange, Caller> callers,
                                Handler handler, McpSyncServerExchange exchange, CallToolRequest request) {
        try {
            Caller caller = callers.apply(exchange);
            if (writes && !caller.mayWrite()) {
                throw new LedgerException(ErrorCode.FORBIDDEN, name + " needs an agent or admin key; viewers only read",
                        Map.of(), null);
            }
            JsonNode arguments = MAPPER.valueToTree(request.arguments() == null ? Map.of() : request.arguments());
            return handler.handle(caller, arguments, exchange);
        } catch (LedgerException e) {
            return error(e);
        } catch (RuntimeException e) {
            LOG.error("Tool {} failed", name, e);
            return error(new LedgerException(ErrorCode.INTERNAL,
                    "An internal error occurred in " + name + "; nothing was written. Retry, or tell a human.",
                    Map.of(), null));
        }
    }

    private CallToolResult startSession(Caller caller, JsonNode arguments, McpSyncServerExchange exchange) {
        LedgerRequests.StartSession request = LedgerRequests.startSession(arguments);
        Long taskId = request.taskId() != null ? request.taskId() : caller.defaultTaskId();
        String model = request.model() != null ? request.model() : caller.defaultModel();
        if (caller.claudeCodeSessionId() != null) {
            return joinClaudeCodeSession(caller);
        }
        SessionStart start = ledger.sessions().start(caller.actor(), caller.agent(), taskId, model);
        caller.opened(start.session().id());
        return success(json.sessionStart(start), "Session " + start.session().id() + " started for "
                + caller.agentName() + (taskId == null ? "" : " on task " + taskId) + "; " + summary(start.budget()));
    }

    /**
     * A sidecar started by Claude Code joins Claude Code's own session (found or opened, never refused: the hooks
     * stop the work), so what the tools and the telemetry record lands in one session.
     */
    private CallToolResult joinClaudeCodeSession(Caller caller) {
        Session session = ledger.sessions().openExternal(caller.actor(),
                new CaptureOrigin(CaptureSource.CLAUDE_CODE, caller.claudeCodeSessionId(), null, null), caller.cwd(),
                GitHead.branch(caller.cwd()));
        Budget budget = ledger.budgets().check(caller.actor(), caller.agent(), session.taskId(), session.id());
        caller.opened(session.id());
        return success(json.sessionStart(new SessionStart(session, budget)), "Session " + session.id() + " of "
                + caller.agentName() + " is Claude Code session " + caller.claudeCodeSessionId() + "; "
                + summary(budget));
    }

    private CallToolResult reportUsage(Caller caller, JsonNode arguments, McpSyncServerExchange exchange) {
        UsageReceipt receipt = ledger.usage().report(caller.actor(),
                LedgerRequests.usage(arguments, caller.openSessionId()));
        for (Alert alert : receipt.alerts()) {
            notifyAlert(exchange, alert);
        }
        String line = receipt.claim() ? "Kept $" + Money.format(receipt.costMicros()) + " as a claim in session "
                + receipt.sessionId() + ", not added: " + receipt.note() + "; " + summary(receipt.budget())
                : (receipt.duplicate() ? "Already recorded" : "Recorded") + " $"
                + Money.format(receipt.costMicros()) + " (" + receipt.costSource().wireName() + ") in session "
                + receipt.sessionId() + "; " + summary(receipt.budget());
        return success(json.usage(receipt), line);
    }

    /** Tells the client a threshold was crossed: a logging notification, level warning, logger "entourage". */
    private static void notifyAlert(McpSyncServerExchange exchange, Alert alert) {
        if (exchange == null) {
            return;
        }
        try {
            exchange.loggingNotification(new LoggingMessageNotification(LoggingLevel.WARNING, "entourage",
                    alert.text()));
        } catch (RuntimeException e) {
            // the usage is recorded either way; a client that cannot take the notification still gets the answer
            LOG.debug("Could not send the alert notification: {}", e.toString());
        }
    }

    private CallToolResult checkBudget(Caller caller, JsonNode arguments, McpSyncServerExchange exchange) {
        LedgerRequests.BudgetCheck request = LedgerRequests.budgetCheck(arguments);
        if (request.estimateMicros() == null) {
            Budget budget = ledger.budgets().check(caller.actor(), caller.agent(), request.taskId(),
                    caller.openSessionId());
            return success(json.budget(budget), summary(budget));
        }
        if (!caller.mayWrite()) {
            throw new LedgerException(ErrorCode.FORBIDDEN, "reserving estimated_cost_usd needs an agent or admin key; "
                    + "viewers only read (leave estimated_cost_usd out)", Map.of("field", "estimated_cost_usd"), null);
        }
        HoldReceipt receipt = ledger.budgets().reserve(caller.actor(), caller.agent(), request.taskId(),
                caller.openSessionId(), request.estimateMicros());
        return success(json.budgetWithHold(receipt), "Reserved $" + Money.format(receipt.hold().amountMicros())
                + " as hold_id " + receipt.hold().id() + " until " + receipt.hold().expiresAt()
                + "; pass hold_id to report_usage for this step; " + summary(receipt.budget()));
    }

    private CallToolResult endSession(Caller caller, JsonNode arguments, McpSyncServerExchange exchange) {
        Session session = ledger.sessions().end(caller.actor(),
                LedgerRequests.endSession(arguments, caller.openSessionId()));
        caller.ended(session.id());
        return success(json.session(session), "Session " + session.id() + " is " + session.status().wireName()
                + "; it cost $" + Money.format(session.totals().costMicros()) + " for "
                + session.totals().totalTokens() + " tokens.");
    }

    private static String summary(Budget budget) {
        String spent = "today $" + Money.format(budget.dailySpent())
                + (budget.dailyLimit() == null ? " (no daily limit)" : " of $" + Money.format(budget.dailyLimit()));
        if (budget.overBudget()) {
            return "STOP: over budget (" + budget.firstViolation().orElseThrow().wireName() + "), " + spent
                    + ". Stop working and tell a human.";
        }
        return "within budget, " + spent + "; continue.";
    }

    private static CallToolResult success(ObjectNode structured, String line) {
        return CallToolResult.builder()
                .structuredContent(MAPPER.convertValue(structured, Map.class))
                .addTextContent(line)
                .isError(false)
                .build();
    }

    /**
     * An {@code isError} result: the code and message as text for the model, and the error body under
     * {@code _meta} for programs. It carries no {@code structuredContent}, which clients check against the
     * tool's output schema even for errors.
     */
    private CallToolResult error(LedgerException e) {
        return CallToolResult.builder()
                .addTextContent(e.code().wireName() + ": " + e.getMessage())
                .meta(Map.of(ERROR_META, MAPPER.convertValue(json.error(e).get("error"), Map.class)))
                .isError(true)
                .build();
    }
}
