package dev.entourage.http;

import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.access.Principal;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds who is calling: {@code X-API-Key: oc_…}, or {@code Authorization: Bearer <token>} where the token is
 * an access token from {@code /auth/login} or, for clients that only speak bearer tokens, an API key. On a
 * bridge without authentication every request is the local admin.
 */
final class Authenticator {
    static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "bearer ";

    private final AccessService access;
    private final Tokens tokens;
    private final Principal everyone;

    /** @param everyone the principal of every request on a bridge without authentication, else null */
    Authenticator(AccessService access, Tokens tokens, Principal everyone) {
        this.access = access;
        this.tokens = tokens;
        this.everyone = everyone;
    }

    /** Whether every request is the local admin (a bridge started without authentication). */
    boolean open() {
        return everyone != null;
    }

    /** Whether the request carries any credentials at all (to tell "missing" from "invalid"). */
    static boolean presentsCredentials(HttpServletRequest request) {
        return request.getHeader(API_KEY_HEADER) != null || request.getHeader("Authorization") != null;
    }

    /** The caller's principal; empty when credentials are missing, malformed, unknown, revoked or expired. */
    Optional<Principal> authenticate(HttpServletRequest request) {
        return authenticate(request.getHeader(API_KEY_HEADER), request.getHeader("Authorization"));
    }

    /**
     * As {@link #authenticate(HttpServletRequest)}, from the two headers' values (either may be null): also to
     * check again, later, the credentials a long-lived request (an event stream) came with.
     */
    Optional<Principal> authenticate(String key, String authorization) {
        if (everyone != null) {
            return Optional.of(everyone);
        }
        if (key != null) {
            return key.isBlank() ? Optional.empty() : access.authenticate(key.strip());
        }
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return Optional.empty();
        }
        String credential = authorization.substring(BEARER.length()).strip();
        if (credential.isEmpty()) {
            return Optional.empty();
        }
        return credential.startsWith("oc_") ? access.authenticate(credential) : tokens.verify(credential);
    }
}
