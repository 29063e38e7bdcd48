package dev.entourage.http;

import dev.entourage.http.json.LedgerJson;
import dev.entourage.ledger.LedgerService;
import dev.entourage.ledger.access.AccessService;

/**
 * The REST routes of SPEC §5 in one {@link Router}, gathered from one class per resource: sessions, budgets and
 * holds, settings and tasks, team reports, authentication. Each route declares its {@link Access} where it is
 * added; the router checks it before the handler runs.
 */
final class RestRoutes {
    private RestRoutes() {
    }

    static Router router(LedgerService ledger, AccessService access, Tokens tokens, LedgerJson json) {
        Guard guard = new Guard(ledger);
        Router router = new Router();
        new SessionRoutes(ledger, json, guard).addTo(router);
        new BudgetRoutes(ledger, json, guard).addTo(router);
        new SettingsRoutes(ledger, json, guard).addTo(router);
        new ReportRoutes(ledger, json, guard).addTo(router);
        new AuthRoutes(access, tokens).addTo(router);
        return router;
    }
}
