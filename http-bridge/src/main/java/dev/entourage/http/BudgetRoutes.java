package dev.entourage.http;

import dev.entourage.http.json.Fields;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.http.json.LedgerRequests;
import dev.entourage.ledger.HoldReceipt;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import java.util.Map;
import java.util.Set;

/**
 * The budget routes of SPEC §5: an agent's budget, reserving an estimate as a hold, reading and releasing a hold.
 * Each handler decodes strictly and calls one service method with the
 * caller's {@link dev.entourage.ledger.Actor}, which checks it inside its transaction; it encodes with
 * {@link LedgerJson}.
 */
final class BudgetRoutes {
    private final LedgerServices ledger;
    private final LedgerJson json;

    BudgetRoutes(LedgerServices ledger, LedgerJson json) {
        this.ledger = ledger;
        this.json = json;
    }

    /** Adds these routes to {@code router}, each with who may call it. */
    void addTo(Router router) {
        router.add("GET", "/agents/{agent_id}/budget", Access.AUTHENTICATED, this::budget)
                .add("POST", "/agents/{agent_id}/budget/holds", Access.WRITERS, this::reserve)
                .add("GET", "/holds/{hold_id}", Access.AUTHENTICATED, this::hold)
                .add("DELETE", "/holds/{hold_id}", Access.WRITERS, this::releaseHold);
    }

    private Reply budget(Call call) {
        Long taskId = call.query("task_id").id("task_id");
        return Reply.ok(json.budget(ledger.budgets().check(call.actor(), Ref.parse(call.path("agent_id")), taskId,
                null)));
    }

    /** Reserves an estimate: 201 with the hold when it fits, else 402 naming the scope that would trip. */
    private Reply reserve(Call call) {
        call.query();
        LedgerRequests.BudgetCheck request = LedgerRequests.hold(call.body());
        HoldReceipt receipt = ledger.budgets().reserve(call.actor(), Ref.parse(call.path("agent_id")),
                request.taskId(), null, request.estimateMicros());
        return new Reply(201, json.reservation(receipt), null, null,
                Map.of("Location", "/api/v1/holds/" + receipt.hold().id()));
    }

    private Reply hold(Call call) {
        call.query();
        return Reply.ok(json.hold(ledger.budgets().hold(call.actor(), call.path("hold_id"))));
    }

    /** Releases a hold; releasing one that is settled, released or expired answers it as it is. */
    private Reply releaseHold(Call call) {
        call.query();
        Fields.of(call.body(), Set.of());
        return Reply.ok(json.hold(ledger.budgets().release(call.actor(), call.path("hold_id"))));
    }
}
