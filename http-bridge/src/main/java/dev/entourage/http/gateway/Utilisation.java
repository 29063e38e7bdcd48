package dev.entourage.http.gateway;

import dev.entourage.ledger.Budget;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.ScopeBudget;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The budget headers of a successful call whose hold brought a scope to {@value #NEAR_PERCENT} % of its limit or
 * more: {@value #REMAINING}, {@value #LIMIT} and {@value #SCOPE}, naming the scope with the least room left. They are
 * computed from the hold's receipt before the call is sent and added when the upstream's status is 2xx.
 */
final class Utilisation {
    static final int NEAR_PERCENT = 80;
    static final String REMAINING = "x-entourage-budget-remaining-usd";
    static final String LIMIT = "x-entourage-budget-limit-usd";
    static final String SCOPE = "x-entourage-budget-scope";

    private Utilisation() {
    }

    /** The headers for {@code budget} (with the hold counted); empty when every scope is below the mark. */
    static Map<String, String> headers(Budget budget) {
        ScopeBudget tightest = null;
        long tightestRoom = Long.MAX_VALUE;
        for (ScopeBudget scope : budget.scopes()) {
            if (!scope.applies() || scope.limitMicros() == null || scope.limitMicros() <= 0) {
                continue;
            }
            long used = scope.spentMicros() + (scope.heldMicros() == null ? 0 : scope.heldMicros());
            long room = Math.max(0, scope.limitMicros() - used);
            if (used * 100 >= scope.limitMicros() * NEAR_PERCENT && room < tightestRoom) {
                tightest = scope;
                tightestRoom = room;
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (tightest != null) {
            headers.put(REMAINING, Money.toDollars(tightestRoom).toPlainString());
            headers.put(LIMIT, Money.toDollars(tightest.limitMicros()).toPlainString());
            headers.put(SCOPE, tightest.scope().wireName());
        }
        return headers;
    }

    /** {@code response}, adding {@code headers} when its status is set to a 2xx one. */
    static HttpServletResponse on(HttpServletResponse response, Map<String, String> headers) {
        if (headers.isEmpty()) {
            return response;
        }
        return new HttpServletResponseWrapper(response) {
            @Override
            public void setStatus(int status) {
                super.setStatus(status);
                if (status >= 200 && status < 300) {
                    headers.forEach(super::setHeader);
                }
            }
        };
    }
}
