package dev.entourage.http.json;

import static dev.entourage.http.json.SchemaNodes.action;
import static dev.entourage.http.json.SchemaNodes.anyObject;
import static dev.entourage.http.json.SchemaNodes.array;
import static dev.entourage.http.json.SchemaNodes.bool;
import static dev.entourage.http.json.SchemaNodes.count;
import static dev.entourage.http.json.SchemaNodes.dollars;
import static dev.entourage.http.json.SchemaNodes.enumOf;
import static dev.entourage.http.json.SchemaNodes.holdStatus;
import static dev.entourage.http.json.SchemaNodes.id;
import static dev.entourage.http.json.SchemaNodes.nullable;
import static dev.entourage.http.json.SchemaNodes.object;
import static dev.entourage.http.json.SchemaNodes.scope;
import static dev.entourage.http.json.SchemaNodes.stopReason;
import static dev.entourage.http.json.SchemaNodes.string;
import static dev.entourage.http.json.SchemaNodes.time;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.BudgetSubject;
import dev.entourage.ledger.CostSource;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.Scope;
import dev.entourage.ledger.SessionStatus;
import dev.entourage.ledger.capture.CaptureSource;

/**
 * The JSON Schema (draft 2020-12) of every shape {@link LedgerJson} encodes, field for field: sessions, usage
 * receipts, budgets, holds and errors, with the same names, types, nullability and required lists. Enum-valued
 * fields list the wire names of their domain enum ({@link SchemaNodes}). {@link WireSchemas} publishes them.
 *
 * <p>Every method returns a fresh node the caller may change.
 */
public final class SessionSchemas {
    private SessionSchemas() {
    }

    /** {@link LedgerJson#session}. */
    public static ObjectNode session() {
        return object()
                .field("id", id())
                .field("agent_id", id())
                .field("agent_name", string())
                .field("team_id", id())
                .field("task_id", nullable(id()))
                .field("model", nullable(string()))
                .field("status", enumOf(SessionStatus.values(), SessionStatus::wireName))
                .field("started_at", time())
                .field("ended_at", nullable(time()))
                .fields(totals())
                .field("duration_minutes", count())
                .field("stop_reason", stopReason())
                .field("stop_detail", nullable(string()))
                .field("source", nullable(enumOf(CaptureSource.values(), CaptureSource::wireName)))
                .field("external_id", nullable(string()))
                .field("cwd", nullable(string()))
                .field("git_branch", nullable(string()))
                .field("api_errors", count())
                .field("captured", bool())
                .field("metric_cost_usd", nullable(dollars()))
                .field("metric_mismatch", bool())
                .build();
    }

    private static ObjectNode totals() {
        return object()
                .field("input_tokens", count())
                .field("output_tokens", count())
                .field("cache_creation_input_tokens", count())
                .field("cache_read_input_tokens", count())
                .field("total_tokens", count())
                .field("cost_usd", dollars())
                .build();
    }

    /** One entry of a budget's {@code violations}. */
    public static ObjectNode violation() {
        return object()
                .field("scope", scope())
                .field("limit_usd", nullable(dollars()))
                .field("spent_usd", dollars())
                .field("held_usd", dollars())
                .field("estimated_cost_usd", nullable(dollars()))
                .field("remaining_usd", nullable(dollars()))
                .field("resets_at", nullable(time()))
                .build();
    }

    /** {@link LedgerJson#budget}: the answer of {@code GET /agents/{id}/budget} and of {@code check_budget}. */
    public static ObjectNode budget() {
        SchemaNodes.Shape budget = object()
                .field("agent_id", id())
                .field("task_id", nullable(id()))
                .field("session_id", nullable(id()));
        for (Scope scope : Scope.limitedScopes()) {
            String prefix = scope.rule().fieldPrefix();
            boolean always = scope.rule().subject() == BudgetSubject.AGENT
                    || scope.rule().subject() == BudgetSubject.TEAM;
            budget.field(prefix + "_limit_usd", nullable(dollars()))
                    .field(prefix + "_spent_usd", always ? dollars() : nullable(dollars()))
                    .field(prefix + "_held_usd", always ? dollars() : nullable(dollars()))
                    .field(prefix + "_remaining_usd", nullable(dollars()));
        }
        return budget
                .field("over_budget", bool())
                .field("violations", array(violation()))
                .field("resets_at", time())
                .build();
    }

    /** {@link LedgerJson#budgetWithHold}: the budget plus the hold an estimate reserved. */
    public static ObjectNode budgetWithHold() {
        return object().fields(budget())
                .field("hold_id", string())
                .field("hold_expires_at", time())
                .build();
    }

    /**
     * The output of the MCP tool {@code check_budget}: {@link #budget()}, plus {@code hold_id} and
     * {@code hold_expires_at} when an estimate was reserved ({@link #budgetWithHold()}).
     */
    public static ObjectNode checkBudgetAnswer() {
        return object().fields(budget())
                .optional("hold_id", string())
                .optional("hold_expires_at", time())
                .build();
    }

    /** {@link LedgerJson#usage}: the answer to a usage report, over REST and MCP alike. */
    public static ObjectNode usage() {
        return object()
                .field("session_id", id())
                .field("event_id", string())
                .field("duplicate", bool())
                .field("cost_usd", dollars())
                .field("cost_source", enumOf(CostSource.values(), CostSource::wireName))
                .field("session", session())
                .field("budget", budget())
                .field("over_budget", bool())
                .field("action", action())
                .field("stop_reason", stopReason())
                .field("hold_id", nullable(string()))
                .field("hold_status", nullable(holdStatus()))
                .field("claim", bool())
                .field("note", nullable(string()))
                .build();
    }

    /** {@link LedgerJson#sessionStart}: the output of the MCP tool {@code start_session}. */
    public static ObjectNode sessionStart() {
        return object()
                .field("session_id", id())
                .field("agent", string())
                .field("task_id", nullable(id()))
                .field("model", nullable(string()))
                .field("started_at", time())
                .field("budget", budget())
                .field("action", action())
                .field("stop_reason", stopReason())
                .build();
    }

    /** {@link LedgerJson#hold}: a budget hold. */
    public static ObjectNode hold() {
        return object()
                .field("hold_id", string())
                .field("agent_id", id())
                .field("team_id", id())
                .field("task_id", nullable(id()))
                .field("session_id", nullable(id()))
                .field("estimated_cost_usd", dollars())
                .field("status", holdStatus())
                .field("created_at", time())
                .field("expires_at", time())
                .field("closed_at", nullable(time()))
                .field("event_id", nullable(string()))
                .build();
    }

    /** {@link LedgerJson#reservation}: the REST answer to a reservation that fit. */
    public static ObjectNode reservation() {
        return object()
                .field("hold_id", string())
                .field("expires_at", time())
                .field("estimated_cost_usd", dollars())
                .field("budget", budget())
                .build();
    }

    /** {@link LedgerJson#error}: {@code {"error": {"code", "message", "details"}}}. */
    public static ObjectNode error() {
        return object().field("error", errorBody()).build();
    }

    /** The inside of {@link #error()}: what an MCP tool error carries under {@code _meta}. */
    public static ObjectNode errorBody() {
        return object()
                .field("code", enumOf(ErrorCode.values(), ErrorCode::wireName))
                .field("message", string())
                .field("details", anyObject())
                .build();
    }

    /** {@code {"sessions": [session…], "next_cursor"}}: one page of an agent's sessions, newest first. */
    public static ObjectNode sessionList() {
        return object().field("sessions", array(session())).field("next_cursor", nullable(string())).build();
    }
}
