package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.BudgetExceededException;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Scope;
import dev.entourage.ledger.Violation;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The gateway's own answers, in the Anthropic API's error shape so that clients read them as they read its own. */
final class Replies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Replies() {
    }

    /**
     * The refusal of a call that does not fit the budget: 429 {@code billing_error}, {@code x-should-retry: false}
     * and, for a scope that resets, {@code retry-after} in seconds to the reset (named in the team's {@code zone}).
     */
    static void refuse(HttpServletResponse response, BudgetExceededException e, Instant now, ZoneId zone)
            throws IOException {
        error(response, 429, "billing_error", refusal(response, e, now, zone));
    }

    /**
     * Sets a refusal's {@code x-should-retry: false} and {@code retry-after} headers, in any provider's shape.
     *
     * @return its message, {@code spend limit reached (…)}
     */
    static String refusal(HttpServletResponse response, BudgetExceededException e, Instant now, ZoneId zone) {
        Violation first = e.budget().violations().isEmpty() ? null : e.budget().violations().get(0);
        response.setHeader("x-should-retry", "false");
        if (first != null && first.resetsAt() != null) {
            response.setHeader("retry-after",
                    Long.toString(Math.max(1, Duration.between(now, first.resetsAt()).toSeconds())));
        }
        return "spend limit reached (" + describe(first, zone) + ")";
    }

    /** A refusal the ledger decided (bad header, unknown agent, another team's): its status, its message. */
    static void ledger(HttpServletResponse response, LedgerException e) throws IOException {
        switch (e.code()) {
            case UNAUTHENTICATED -> error(response, 401, "authentication_error", e.getMessage());
            case FORBIDDEN -> error(response, 403, "permission_error", e.getMessage());
            case NOT_FOUND -> error(response, 404, "not_found_error", e.getMessage());
            case INVALID_REQUEST, IDEMPOTENCY_MISMATCH, CONFLICT -> error(response, 400, "invalid_request_error",
                    e.getMessage());
            case PAYLOAD_TOO_LARGE -> error(response, 413, "request_too_large", e.getMessage());
            case RATE_LIMITED -> error(response, 429, "rate_limit_error", e.getMessage());
            case BUDGET_EXCEEDED -> error(response, 429, "billing_error", e.getMessage());
            case STORAGE_UNAVAILABLE, INTERNAL -> error(response, 503, "api_error",
                    "the Entourage ledger is unavailable; the call was not sent");
        }
    }

    /** Writes {@code {"type":"error","error":{"type":…,"message":…}}}. */
    static void error(HttpServletResponse response, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String describe(Violation v, ZoneId zone) {
        if (v == null) {
            return "budget";
        }
        if (v.scope() == Scope.PAUSED) {
            return "paused by a person";
        }
        if (v.scope() == Scope.KILLED || v.scope() == Scope.ENDED) {
            return "session " + v.scope().wireName();
        }
        String scope = v.scope().wireName().replace('_', ' ');
        String limit = v.limitMicros() == null ? "" : " " + dollars(v.limitMicros());
        return scope + limit + (v.resetsAt() == null ? ""
                : "; resets " + DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                        v.resetsAt().atZone(zone).toOffsetDateTime().truncatedTo(ChronoUnit.SECONDS)));
    }

    private static String dollars(long micros) {
        BigDecimal value = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return "$" + (value.scale() <= 2 ? value.setScale(2, RoundingMode.UNNECESSARY) : value).toPlainString();
    }
}
