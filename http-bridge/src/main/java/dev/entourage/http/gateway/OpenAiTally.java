package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.pricing.ProviderUsage;

/**
 * What an answer of OpenAI's Chat Completions or Responses API says it used, read as its bytes pass.
 *
 * <ul>
 *   <li>Chat Completions: the {@code usage} of one JSON completion, or of a stream's last chunk (sent when
 *   {@code stream_options.include_usage} is set, which the gateway makes sure of): {@code prompt_tokens},
 *   {@code prompt_tokens_details.cached_tokens} and {@code .cache_write_tokens}, {@code completion_tokens}.</li>
 *   <li>Responses: the {@code usage} of one JSON response, or of the {@code response} in a stream's
 *   {@code response.completed} (or {@code response.incomplete} / {@code response.failed}) event:
 *   {@code input_tokens}, {@code input_tokens_details.cached_tokens} and {@code .cache_write_tokens},
 *   {@code output_tokens} (reasoning tokens included).</li>
 * </ul>
 *
 * <p>Converted by {@link ProviderUsage#openai}: the prompt includes its cached tokens and cache writes, which are
 * therefore not charged twice. For a stream cut short, the characters of content streamed are counted. Not
 * thread-safe: one per answer.
 */
final class OpenAiTally extends AnswerTally {
    private long prompt;
    private long cached;
    private long cacheWrite;
    private long output;
    private long streamedChars;
    private String model;
    private String serviceTier;
    private boolean complete;

    /** A JSON completion or response. */
    @Override
    void body(JsonNode answer) {
        answer(answer);
    }

    /** A chat chunk (no {@code type}) or a Responses event. */
    @Override
    void event(JsonNode event) {
        String type = event.path("type").asText("");
        if (type.isEmpty()) {
            for (JsonNode choice : event.path("choices")) {
                JsonNode delta = choice.path("delta");
                streamedChars += delta.path("content").asText("").length()
                        + delta.path("refusal").asText("").length();
                for (JsonNode call : delta.path("tool_calls")) {
                    streamedChars += call.path("function").path("arguments").asText("").length();
                }
            }
            answer(event);
        } else if (type.equals("response.created") || type.equals("response.in_progress")) {
            model = text(event.path("response").path("model"), model);
        } else if (type.equals("response.completed") || type.equals("response.incomplete")
                || type.equals("response.failed")) {
            answer(event.path("response"));
        } else if (type.endsWith(".delta") && event.path("delta").isTextual()) {
            streamedChars += event.path("delta").asText().length();
        }
    }

    /** A completion, a chunk or a response: its model, service tier and, when it has one, its usage. */
    private void answer(JsonNode answer) {
        if (answer == null || !answer.isObject()) {
            return;
        }
        model = text(answer.path("model"), model);
        serviceTier = text(answer.path("service_tier"), serviceTier);
        JsonNode usage = answer.path("usage");
        boolean chat = usage.has("prompt_tokens");
        if (!chat && !usage.has("input_tokens")) {
            return;
        }
        JsonNode details = usage.path(chat ? "prompt_tokens_details" : "input_tokens_details");
        prompt = count(usage, chat ? "prompt_tokens" : "input_tokens", 0);
        cached = count(details, "cached_tokens", 0);
        cacheWrite = count(details, "cache_write_tokens", 0);
        output = count(usage, chat ? "completion_tokens" : "output_tokens", 0);
        complete = true;
    }

    /** Whether the answer carried its usage. */
    @Override
    public boolean complete() {
        return complete;
    }

    @Override
    public String model() {
        return model;
    }

    /** The {@code service_tier} the answer names ({@code default}, {@code flex}, {@code priority}, …), or null. */
    String serviceTier() {
        return serviceTier;
    }

    /**
     * The usage counted the Anthropic way; a part the provider reports larger than its prompt is capped to it (the
     * cached tokens first), so that no token is charged twice.
     */
    @Override
    public TokenCounts tokens() {
        long whole = prompt;
        long reads = Math.min(cached, whole);
        long writes = Math.min(cacheWrite, whole - reads);
        return ProviderUsage.openai(whole, reads, writes, output);
    }

    /** The least a cut-short answer cost: {@code inputEstimate} and a token per four streamed characters. */
    @Override
    public TokenCounts floor(long inputEstimate) {
        return new TokenCounts(Math.min(inputEstimate, TokenCounts.MAX_TOKENS),
                Math.min((streamedChars + 3) / 4, TokenCounts.MAX_TOKENS), 0, 0, 0);
    }
}
