package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.TokenCounts;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;

/**
 * Asks the upstream's {@code POST /v1/messages/count_tokens} how many input tokens a Messages request has, with the
 * request's own body reduced to the fields that endpoint takes (no {@code max_tokens}, no {@code stream}) and its
 * credential and version headers, within {@link #TIMEOUT}. Any failure (no such endpoint, an error, a slow answer)
 * answers empty: the caller falls back to the byte heuristic.
 */
final class TokenCounter {
    /** How long the count may take before the call goes ahead without it. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final String PATH = "/v1/messages/count_tokens";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> COUNTED_FIELDS = Set.of("model", "messages", "system", "tools", "tool_choice",
            "thinking", "mcp_servers", "context_management");
    private static final Set<String> HEADERS = Set.of("x-api-key", "authorization", "anthropic-version",
            "anthropic-beta");

    private TokenCounter() {
    }

    /**
     * @param headers the headers to send (lower-case names), of which only credentials and versions are used
     */
    static OptionalLong count(Upstream upstream, JsonNode request, Map<String, String> headers) {
        ObjectNode body = JSON.createObjectNode();
        for (String field : COUNTED_FIELDS) {
            if (request.has(field)) {
                body.set(field, request.get(field));
            }
        }
        Request out;
        try {
            out = upstream.client().newRequest(upstream.resolve(PATH, null)).method("POST")
                    .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .body(new BytesRequestContent("application/json", JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        out.headers(fields -> headers.forEach((name, value) -> {
            if (HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                fields.put(name, value);
            }
        }));
        try {
            ContentResponse answer = out.send();
            if (answer.getStatus() != 200) {
                return OptionalLong.empty();
            }
            JsonNode tokens = JSON.readTree(answer.getContent()).path("input_tokens");
            return tokens.canConvertToLong() && tokens.asLong() >= 0
                    ? OptionalLong.of(Math.min(tokens.asLong(), TokenCounts.MAX_TOKENS)) : OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
