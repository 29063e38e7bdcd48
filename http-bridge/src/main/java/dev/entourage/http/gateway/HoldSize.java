package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.pricing.PriceRequest;
import dev.entourage.ledger.pricing.PriceTable;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The hold a Messages request needs before it is sent: its input as the upstream's {@code count_tokens} counted it,
 * else estimated at one token per four body bytes (rounded up), plus all of {@code max_tokens} as output, priced
 * through the engine at the call's time with the price modifiers the request asks for ({@code service_tier},
 * {@code speed}, {@code inference_geo}); an unknown model at the table's dearest.
 *
 * @param model         the request's {@code model}
 * @param inputEstimate the input tokens: counted, else estimated
 * @param counted       whether {@code inputEstimate} is the upstream's count
 * @param speed         the request's {@code speed} ({@code fast}), or null
 * @param micros        the hold, at most {@link Money#MAX_REPORTED_MICROS}
 */
record HoldSize(String model, long inputEstimate, boolean counted, String speed, long micros) {
    /**
     * @param counted the upstream's count of the request's input tokens, when it gave one
     * @throws LedgerException {@code invalid_request} naming {@code model}, {@code max_tokens},
     *                         {@code service_tier}, {@code speed} or {@code inference_geo} when malformed
     */
    static HoldSize of(PriceTable prices, JsonNode request, long bodyBytes, OptionalLong counted, Instant at) {
        String model = model(request);
        JsonNode maxTokens = request.path("max_tokens");
        if (!maxTokens.canConvertToLong() || !maxTokens.isIntegralNumber() || maxTokens.asLong() < 1) {
            throw LedgerException.invalid("max_tokens", "is required: a positive integer");
        }
        long input = Math.min(counted.isPresent() ? counted.getAsLong() : (bodyBytes + 3) / 4, TokenCounts.MAX_TOKENS);
        long output = Math.min(maxTokens.asLong(), TokenCounts.MAX_TOKENS);
        String tier = option(request, "service_tier");
        String speed = option(request, "speed");
        PriceRequest priced = PriceRequest.of(model, new TokenCounts(input, output, 0, 0, 0)).at(at)
                .serviceTier("standard_only".equals(tier) ? "standard" : tier).speed(speed)
                .inferenceGeo(option(request, "inference_geo"));
        long micros = prices.price(priced).costMicros();
        return new HoldSize(model, input, counted.isPresent(), speed, Math.min(micros, Money.MAX_REPORTED_MICROS));
    }

    /**
     * The request's {@code model}.
     *
     * @throws LedgerException {@code invalid_request} naming {@code body} or {@code model}
     */
    static String model(JsonNode request) {
        if (request == null || !request.isObject()) {
            throw LedgerException.invalid("body", "must be a JSON object");
        }
        JsonNode model = request.path("model");
        if (!model.isTextual() || model.asText().isBlank() || model.asText().length() > 200) {
            throw LedgerException.invalid("model", "is required: the model's id, e.g. claude-sonnet-4-5");
        }
        return model.asText();
    }

    private static String option(JsonNode request, String field) {
        JsonNode value = request.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().length() > 100) {
            throw LedgerException.invalid(field, "must be a string of at most 100 characters");
        }
        return value.asText().isBlank() ? null : value.asText().strip();
    }
}
