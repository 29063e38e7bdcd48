package dev.entourage.http;

import static dev.entourage.http.Guard.actingAgent;

import dev.entourage.http.json.Fields;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.http.json.LedgerRequests;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.BudgetHold;
import dev.entourage.ledger.HoldReceipt;
import dev.entourage.ledger.LedgerService;
import dev.entourage.ledger.access.Principal;
import java.util.Map;
import java.util.Set;

/**
 * The budget routes of SPEC §5: an agent's budget, reserving an estimate as a hold, reading and releasing a hold.
 * Each handler decodes strictly, resolves the path's objects within the caller's team ({@link Guard}), calls one
 * service method and encodes with {@link LedgerJson}.
 */
final class BudgetRoutes {
    private final LedgerService ledger;
    private final LedgerJson json;
    private final Guard guard;

    BudgetRoutes(LedgerService ledger, LedgerJson json, Guard guard) {
        this.ledger = ledger;
        this.json = json;
        this.guard = guard;
    }

    /** Adds these routes to {@code router}, each with who may call it. */
    void addTo(Router router) {
        router.add("GET", "/agents/{agent_id}/budget", Access.AUTHENTICATED, this::budget)
                .add("POST", "/agents/{agent_id}/budget/holds", Access.WRITERS, this::reserve)
                .add("GET", "/holds/{hold_id}", Access.AUTHENTICATED, this::hold)
                .add("DELETE", "/holds/{hold_id}", Access.WRITERS, this::releaseHold);
    }

    private Reply budget(Call call) {
        Principal p = call.principal();
        Long taskId = call.query("task_id").id("task_id");
        Agent agent = guard.agent(p, call.path("agent_id"));
        if (taskId != null) {
            guard.task(p, taskId);
        }
        return Reply.ok(json.budget(ledger.checkBudget(agent.id(), taskId, null)));
    }

    /** Reserves an estimate: 201 with the hold when it fits, else 402 naming the scope that would trip. */
    private Reply reserve(Call call) {
        Principal p = call.principal();
        call.query();
        LedgerRequests.BudgetCheck request = LedgerRequests.hold(call.body());
        Agent agent = guard.agent(p, call.path("agent_id"));
        if (request.taskId() != null) {
            guard.task(p, request.taskId());
        }
        HoldReceipt receipt = ledger.reserve(agent.id(), request.taskId(), null, request.estimateMicros());
        return new Reply(201, json.reservation(receipt), null, null,
                Map.of("Location", "/api/v1/holds/" + receipt.hold().id()));
    }

    private Reply hold(Call call) {
        call.query();
        return Reply.ok(json.hold(guard.hold(call.principal(), call.path("hold_id"))));
    }

    /** Releases a hold; releasing one that is settled, released or expired answers it as it is. */
    private Reply releaseHold(Call call) {
        Principal p = call.principal();
        call.query();
        Fields.of(call.body(), Set.of());
        BudgetHold hold = guard.hold(p, call.path("hold_id"));
        return Reply.ok(json.hold(ledger.releaseHold(hold.id(), actingAgent(p))));
    }
}
