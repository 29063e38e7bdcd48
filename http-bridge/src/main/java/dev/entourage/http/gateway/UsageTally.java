package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.ledger.TokenCounts;

/**
 * What an answer of the Messages API says it used, read as its bytes pass: the SSE events of a stream
 * ({@code message_start} usage, then {@code message_delta} usage, whose counts are cumulative and win) or the
 * {@code usage} object of one JSON message, cache fields included; and, for a stream cut short, how many characters
 * of content were streamed. Not thread-safe: one per answer.
 */
final class UsageTally extends AnswerTally {
    private long input = -1;
    private long output;
    private long cacheWrite;
    private long cacheWrite1h;
    private long cacheRead;
    private long streamedChars;
    private String model;
    private String speed;
    private String serviceTier;
    private String inferenceGeo;
    private boolean complete;

    /** A JSON message: its model and usage. */
    @Override
    void body(JsonNode message) {
        if (message != null && message.path("usage").isObject()) {
            model = text(message.path("model"), model);
            usage(message.path("usage"));
            complete = input >= 0;
        }
    }

    @Override
    void event(JsonNode event) {
        switch (event.path("type").asText("")) {
            case "message_start" -> {
                model = text(event.path("message").path("model"), model);
                usage(event.path("message").path("usage"));
            }
            case "content_block_delta" -> {
                JsonNode delta = event.path("delta");
                for (String field : new String[] {"text", "partial_json", "thinking"}) {
                    streamedChars += delta.path(field).asText("").length();
                }
            }
            case "message_delta" -> usage(event.path("usage"));
            case "message_stop" -> complete = input >= 0;
            default -> {
                // ping, content_block_start/stop, error: nothing to count
            }
        }
    }

    private void usage(JsonNode usage) {
        if (!usage.isObject()) {
            return;
        }
        input = count(usage, "input_tokens", input);
        output = count(usage, "output_tokens", output);
        cacheWrite = count(usage, "cache_creation_input_tokens", cacheWrite);
        cacheRead = count(usage, "cache_read_input_tokens", cacheRead);
        cacheWrite1h = count(usage.path("cache_creation"), "ephemeral_1h_input_tokens", cacheWrite1h);
        speed = text(usage.path("speed"), speed);
        serviceTier = text(usage.path("service_tier"), serviceTier);
        inferenceGeo = text(usage.path("inference_geo"), inferenceGeo);
    }

    /** Whether the answer ended with its final usage ({@code message_stop}, or a JSON message with usage). */
    @Override
    public boolean complete() {
        return complete;
    }

    /** The model the answer names, or null. */
    @Override
    public String model() {
        return model;
    }

    /** The {@code service_tier} the answer's usage names ({@code standard}, {@code priority}, {@code batch}), or null. */
    String serviceTier() {
        return serviceTier;
    }

    /** The {@code inference_geo} the answer's usage names ({@code us}, {@code not_available}…), or null. */
    String inferenceGeo() {
        return inferenceGeo;
    }

    /** The {@code speed} the answer's usage names ({@code fast}), or null. */
    String speed() {
        return speed;
    }

    /** The tokens the provider reported; only meaningful when {@link #complete()}. */
    @Override
    public TokenCounts tokens() {
        long write = cacheWrite;
        return new TokenCounts(Math.max(0, input), output, write, Math.min(cacheWrite1h, write), cacheRead);
    }

    /**
     * The least a cut-short answer cost: the input the stream reported (else {@code inputEstimate}) and its cache
     * fields, and output of at least a token per four streamed characters.
     */
    @Override
    public TokenCounts floor(long inputEstimate) {
        long streamedTokens = (streamedChars + 3) / 4;
        return new TokenCounts(input >= 0 ? input : Math.min(inputEstimate, TokenCounts.MAX_TOKENS),
                Math.min(Math.max(output, streamedTokens), TokenCounts.MAX_TOKENS), cacheWrite,
                Math.min(cacheWrite1h, cacheWrite), cacheRead);
    }
}
