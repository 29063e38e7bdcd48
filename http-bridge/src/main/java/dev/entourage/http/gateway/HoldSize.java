package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.pricing.PriceTable;

/**
 * The hold a Messages request needs before it is sent: its input estimated at one token per four body bytes (rounded
 * up), plus all of {@code max_tokens} as output, at the model's prices (an unknown model at the table's dearest).
 *
 * @param model         the request's {@code model}
 * @param inputEstimate the estimated input tokens
 * @param micros        the hold, at most {@link Money#MAX_REPORTED_MICROS}
 */
record HoldSize(String model, long inputEstimate, long micros) {
    /**
     * @throws LedgerException {@code invalid_request} naming {@code model} or {@code max_tokens} when either is
     *                         missing or malformed
     */
    static HoldSize of(PriceTable prices, JsonNode request, long bodyBytes) {
        if (request == null || !request.isObject()) {
            throw LedgerException.invalid("body", "must be a JSON object");
        }
        JsonNode model = request.path("model");
        if (!model.isTextual() || model.asText().isBlank() || model.asText().length() > 200) {
            throw LedgerException.invalid("model", "is required: the model's id, e.g. claude-sonnet-4-5");
        }
        JsonNode maxTokens = request.path("max_tokens");
        if (!maxTokens.canConvertToLong() || !maxTokens.isIntegralNumber() || maxTokens.asLong() < 1) {
            throw LedgerException.invalid("max_tokens", "is required: a positive integer");
        }
        long input = Math.min((bodyBytes + 3) / 4, TokenCounts.MAX_TOKENS);
        long output = Math.min(maxTokens.asLong(), TokenCounts.MAX_TOKENS);
        long micros = prices.price(model.asText(), new TokenCounts(input, output, 0, 0, 0)).costMicros();
        return new HoldSize(model.asText(), input, Math.min(micros, Money.MAX_REPORTED_MICROS));
    }
}
