package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.BudgetExceededException;
import dev.entourage.ledger.LedgerException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The OpenAI gateway's own answers, in the OpenAI API's error shape
 * {@code {"error":{"message","type","param","code"}}}, so that the {@code openai} SDKs read them as they read the
 * API's own (a 401 is their {@code AuthenticationError}, a 429 with {@code x-should-retry: false} is final).
 */
final class OpenAiReplies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiReplies() {
    }

    /**
     * The refusal of a call that does not fit the budget: 429 {@code insufficient_quota} (OpenAI's own answer when
     * an account's quota is spent), {@code x-should-retry: false} and, for a scope that resets, {@code retry-after}.
     */
    static void refuse(HttpServletResponse response, BudgetExceededException e, Instant now, ZoneId zone)
            throws IOException {
        String message = Replies.refusal(response, e, now, zone);
        error(response, 429, "insufficient_quota", "insufficient_quota", null, message);
    }

    /** A refusal the ledger decided (bad header or field, unknown agent, another team's): its status, its message. */
    static void ledger(HttpServletResponse response, LedgerException e) throws IOException {
        Object field = e.details().get("field");
        String param = field instanceof String name ? name : null;
        switch (e.code()) {
            case UNAUTHENTICATED -> error(response, 401, "invalid_request_error", "invalid_api_key", null,
                    e.getMessage());
            case FORBIDDEN -> error(response, 403, "invalid_request_error", "permission_denied", param,
                    e.getMessage());
            case NOT_FOUND -> error(response, 404, "invalid_request_error", "not_found", param, e.getMessage());
            case INVALID_REQUEST, IDEMPOTENCY_MISMATCH, CONFLICT -> error(response, 400, "invalid_request_error",
                    null, param, e.getMessage());
            case PAYLOAD_TOO_LARGE -> error(response, 413, "invalid_request_error", "request_too_large", null,
                    e.getMessage());
            case RATE_LIMITED -> error(response, 429, "requests", "rate_limit_exceeded", null, e.getMessage());
            case BUDGET_EXCEEDED -> error(response, 429, "insufficient_quota", "insufficient_quota", null,
                    e.getMessage());
            case STORAGE_UNAVAILABLE, INTERNAL -> error(response, 503, "server_error", null, null,
                    "the Entourage ledger is unavailable; the call was not sent");
        }
    }

    /** Writes {@code {"error":{"message":…,"type":…,"param":…,"code":…}}}; null {@code code}/{@code param} as null. */
    static void error(HttpServletResponse response, int status, String type, String code, String param,
                      String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type).put("param", param).put("code", code);
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
