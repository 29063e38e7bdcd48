package dev.entourage.http;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.access.Principal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The filter in front of the REST routes and of every servlet mounted beside them (MCP): it finds the
 * principal, takes one request from the client's rate-limit bucket (the principal's subject, else the remote
 * address), writes the {@code X-RateLimit-*} headers, answers 429, 401 and 403 itself without reading the body
 * (closing the connection if one is on its way), answers an authenticated {@code Content-Length} over
 * {@value Call#MAX_BODY_BYTES} bytes 413, and otherwise hands the request on with the principal in
 * {@link HttpBridge#PRINCIPAL_ATTRIBUTE} and its body behind a {@link BodyDeadline} (within
 * {@code BodyDeadline.TIMEOUT}, at most {@code Responses.MAX_DRAIN_BYTES} bytes: routes count their own 1 MiB). {@code POST /api/v1/auth/login}
 * passes without credentials.
 */
final class Gate extends HttpFilter {
    private static final long serialVersionUID = 1L;
    static final String LOGIN_PATH = "/api/v1/auth/login";
    private static final String AUTH_PREFIX = "/api/v1/auth/";

    private final transient Authenticator authenticator;
    private final transient RateLimits limits;
    private final transient Errors errors;

    Gate(Authenticator authenticator, RateLimits limits, Errors errors) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.errors = errors;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        String path = path(request);
        boolean open = path.equals(LOGIN_PATH);
        Principal principal = null;
        LedgerException failure = null;
        if (!open) {
            try {
                principal = authenticator.authenticate(request).orElse(null);
            } catch (RuntimeException e) {
                failure = Errors.forClient(e, request.getMethod(), path);
            }
        }
        String client = principal != null ? "principal:" + principal.subject() : "address:" + request.getRemoteAddr();
        RateLimits.Category category = category(path);
        RateLimits.Decision decision = limits.take(category, client);
        response.setHeader("X-RateLimit-Limit", Long.toString(decision.limit()));
        response.setHeader("X-RateLimit-Remaining", Long.toString(decision.remaining()));
        response.setHeader("X-RateLimit-Reset", Long.toString(decision.resetEpochSecond()));
        if (!decision.allowed()) {
            Responses.closeIfBodyUnread(request, response);
            response.setHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
            Responses.error(response, errors, new LedgerException(ErrorCode.RATE_LIMITED, "Too many requests: at most "
                    + decision.limit() + " a minute" + scopeOf(category)
                    + "; retry in " + decision.retryAfterSeconds() + " s",
                    Map.of("limit", decision.limit(), "retry_after_seconds", decision.retryAfterSeconds()), null));
            return;
        }
        if (failure == null && authenticator.open() && !fromThisMachine(request)) {
            failure = new LedgerException(ErrorCode.FORBIDDEN, "this bridge runs without authentication and answers only requests from "
                    + "this machine: the Host and Origin headers must name localhost, 127.0.0.1 or [::1]", Map.of(), null);
        }
        if (failure != null) {
            Responses.closeIfBodyUnread(request, response);
            Responses.error(response, errors, failure);
            return;
        }
        if (principal == null && !open) {
            Responses.closeIfBodyUnread(request, response);
            unauthenticated(response, Authenticator.presentsCredentials(request));
            return;
        }
        HttpServletRequest bounded = new BodyDeadline(request, start, Responses.MAX_DRAIN_BYTES);
        if (request.getContentLengthLong() > Call.MAX_BODY_BYTES) {
            Responses.drainBody(bounded, response);
            Responses.error(response, errors, Call.tooLarge());
            return;
        }
        if (principal != null) {
            request.setAttribute(HttpBridge.PRINCIPAL_ATTRIBUTE, principal);
        }
        chain.doFilter(bounded, response);
    }

    private void unauthenticated(HttpServletResponse response, boolean presented) throws IOException {
        response.setHeader("WWW-Authenticate",
                "Bearer realm=\"entourage\"" + (presented ? ", error=\"invalid_token\"" : ""));
        response.addHeader("WWW-Authenticate",
                "ApiKey realm=\"entourage\", header=\"" + Authenticator.API_KEY_HEADER + "\"");
        Responses.error(response, errors, new LedgerException(ErrorCode.UNAUTHENTICATED, presented
                ? "The API key or access token is invalid, revoked or expired."
                : "Credentials are missing: send X-API-Key: oc_... or Authorization: Bearer <access token "
                + "from POST /api/v1/auth/login>.", Map.of(), null));
    }

    /**
     * Whether {@code Host} and, when present, {@code Origin} name a loopback host: without credentials a web page
     * could otherwise drive the bridge from the user's browser (cross-site requests, DNS rebinding).
     */
    static boolean fromThisMachine(HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host == null || !BridgeConfig.isLoopback(withoutPort(host))) {
            return false;
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        int scheme = origin.indexOf("://");
        if (scheme < 0 || !(origin.startsWith("http://") || origin.startsWith("https://"))) {
            return false;
        }
        String authority = origin.substring(scheme + 3);
        return !authority.contains("/") && !authority.contains("@") && BridgeConfig.isLoopback(withoutPort(authority));
    }

    private static String withoutPort(String authority) {
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end < 0 ? authority : authority.substring(0, end + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        return (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    }

    static Optional<Principal> principal(HttpServletRequest request) {
        return request.getAttribute(HttpBridge.PRINCIPAL_ATTRIBUTE) instanceof Principal p ? Optional.of(p)
                : Optional.empty();
    }

    private static RateLimits.Category category(String path) {
        if (path.startsWith(AUTH_PREFIX)) {
            return RateLimits.Category.AUTH;
        }
        return path.startsWith("/v1/") || path.startsWith("/hooks/") ? RateLimits.Category.CAPTURE
                : RateLimits.Category.GENERAL;
    }

    private static String scopeOf(RateLimits.Category category) {
        switch (category) {
            case AUTH:
                return " on /auth routes";
            case CAPTURE:
                return " on the telemetry and hook routes";
            default:
                return "";
        }
    }
}
