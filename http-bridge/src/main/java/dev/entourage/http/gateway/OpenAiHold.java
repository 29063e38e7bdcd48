package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.pricing.PriceRequest;
import dev.entourage.ledger.pricing.PriceTable;
import java.io.IOException;

/**
 * The hold an OpenAI request needs before it is sent, and the body forwarded for it.
 *
 * <p>Input is estimated at one token per four body bytes (rounded up); output is the request's cap —
 * {@code max_completion_tokens}, else {@code max_tokens} (Chat Completions, times {@code n} choices), or
 * {@code max_output_tokens} (Responses) — else {@value #DEFAULT_OUTPUT_CAP} tokens; both at the model's prices in force
 * at the call's time and for the request's {@code service_tier} (a model without a row at its family's dearest, else
 * the table's default).
 *
 * <p>A streamed chat request is forwarded with {@code stream_options.include_usage: true}, so that the stream ends
 * with a chunk carrying the call's usage (its {@code choices} is empty; clients skip such chunks). Every other body
 * is forwarded byte for byte.
 *
 * @param model         the request's {@code model}
 * @param inputEstimate the estimated input tokens
 * @param micros        the hold, at most {@link Money#MAX_REPORTED_MICROS}
 * @param forwarded     the body to send upstream
 */
record OpenAiHold(String model, long inputEstimate, long micros, byte[] forwarded) {
    /** The output cap assumed when a request names none: 32,768 tokens (GPT-4.1's and o-series' order of size). */
    static final long DEFAULT_OUTPUT_CAP = 32_768;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** Which OpenAI API a request is for. */
    enum Api {
        CHAT, RESPONSES
    }

    /**
     * @throws LedgerException {@code invalid_request} naming {@code body}, {@code model}, the cap field, {@code n} or
     *                         {@code stream_options} when it is missing or malformed
     */
    static OpenAiHold of(PriceTable prices, Api api, byte[] body, java.time.Instant at) {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            request = null;
        }
        if (request == null || !request.isObject()) {
            throw LedgerException.invalid("body", "must be a JSON object");
        }
        JsonNode model = request.path("model");
        if (!model.isTextual() || model.asText().isBlank() || model.asText().length() > 200) {
            throw LedgerException.invalid("model", "is required: the model's id, e.g. gpt-4.1");
        }
        long output;
        if (api == Api.CHAT) {
            long cap = cap(request, "max_completion_tokens", cap(request, "max_tokens", DEFAULT_OUTPUT_CAP));
            output = Math.multiplyExact(cap, Math.min(cap(request, "n", 1), 128));
        } else {
            output = cap(request, "max_output_tokens", DEFAULT_OUTPUT_CAP);
        }
        long input = Math.min((body.length + 3L) / 4, TokenCounts.MAX_TOKENS);
        output = Math.min(output, TokenCounts.MAX_TOKENS);
        JsonNode tier = request.path("service_tier");
        long micros = prices.price(PriceRequest.of(model.asText(), new TokenCounts(input, output, 0, 0, 0)).at(at)
                .serviceTier(tier.isTextual() ? tier.asText() : null)).costMicros();
        byte[] forwarded = api == Api.CHAT && request.path("stream").asBoolean(false)
                ? withUsage((ObjectNode) request, body) : body;
        return new OpenAiHold(model.asText(), input, Math.min(micros, Money.MAX_REPORTED_MICROS), forwarded);
    }

    /** A positive integer {@code field}, else {@code otherwise} when it is absent or null. */
    private static long cap(JsonNode request, String field, long otherwise) {
        JsonNode value = request.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return otherwise;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
            throw LedgerException.invalid(field, "must be a positive integer");
        }
        return Math.min(value.asLong(), TokenCounts.MAX_TOKENS);
    }

    private static byte[] withUsage(ObjectNode request, byte[] body) {
        JsonNode options = request.path("stream_options");
        if (options.path("include_usage").asBoolean(false)) {
            return body;
        }
        if (!options.isMissingNode() && !options.isNull() && !options.isObject()) {
            throw LedgerException.invalid("stream_options", "must be an object");
        }
        ObjectNode set = options.isObject() ? (ObjectNode) options : request.putObject("stream_options");
        set.put("include_usage", true);
        try {
            return JSON.writeValueAsBytes(request);
        } catch (IOException e) {
            throw LedgerException.invalid("body", "must be a JSON object");
        }
    }
}
