package dev.entourage.http;

import dev.entourage.http.json.LedgerJson;
import dev.entourage.http.json.ReportJson;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.access.AccessService;

/**
 * The REST routes of SPEC §5 in one {@link Router}, gathered from one class per resource: sessions, budgets and
 * holds, settings and tasks, team reports, prices, authentication. Each route declares its {@link Access} where it is
 * added; the router checks it before the handler runs.
 */
final class RestRoutes {
    private RestRoutes() {
    }

    static Router router(LedgerServices ledger, AccessService access, Tokens tokens, LedgerJson json,
                         ReportJson reports) {
        Router router = new Router();
        new SessionRoutes(ledger, json, reports).addTo(router);
        new BudgetRoutes(ledger, json).addTo(router);
        new SettingsRoutes(ledger).addTo(router);
        new ReportRoutes(ledger, reports, json).addTo(router);
        new PriceRoutes(ledger).addTo(router);
        new AuthRoutes(access, tokens).addTo(router);
        return router;
    }
}
