package dev.entourage.http;

import dev.entourage.http.json.PriceJson;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Text;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.pricing.PriceRequest;

/**
 * The price routes: {@code POST /prices/reload} reads the bridge's {@code --prices FILE} again and puts it in force
 * (admins), {@code GET /prices/{model}} the rates a model is priced at now (any credential).
 */
final class PriceRoutes {
    private final LedgerServices ledger;

    PriceRoutes(LedgerServices ledger) {
        this.ledger = ledger;
    }

    /** Adds these routes to {@code router}, each with who may call it. */
    void addTo(Router router) {
        router.add("POST", "/prices/reload", Access.ADMIN, this::reload)
                .add("GET", "/prices/{model}", Access.AUTHENTICATED, this::price);
    }

    private Reply reload(Call call) {
        call.query();
        return Reply.ok(PriceJson.reload(ledger.reloadPrices(call.actor())));
    }

    private Reply price(Call call) {
        call.query();
        String model = Text.required("model", call.path("model"), 200);
        return Reply.ok(PriceJson.price(model, ledger.prices().price(PriceRequest.of(model, TokenCounts.ZERO)
                .at(ledger.clock().instant()))));
    }
}
