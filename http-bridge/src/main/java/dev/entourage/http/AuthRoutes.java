package dev.entourage.http;

import dev.entourage.http.json.AccessJson;
import dev.entourage.http.json.Fields;
import dev.entourage.http.json.RestRequests;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.access.Principal;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The authentication routes of SPEC §5: logging in for an access token (the one open route) and the team's API
 * keys. Each handler decodes strictly, calls one {@link AccessService} method and encodes with {@link AccessJson}.
 */
final class AuthRoutes {
    private final AccessService access;
    private final Tokens tokens;

    AuthRoutes(AccessService access, Tokens tokens) {
        this.access = access;
        this.tokens = tokens;
    }

    /** Adds these routes to {@code router}, each with who may call it. */
    void addTo(Router router) {
        router.add("POST", "/auth/login", Access.PUBLIC, this::login)
                .add("POST", "/auth/keys", Access.ADMIN, this::createKey)
                .add("GET", "/auth/keys", Access.PEOPLE, this::keys)
                .add("DELETE", "/auth/keys/{key_id}", Access.ADMIN, this::revokeKey);
    }

    private Reply login(Call call) {
        call.query();
        RestRequests.Login request = RestRequests.login(call.body());
        char[] password = request.password().toCharArray();
        Principal principal;
        try {
            principal = access.login(request.email(), password).orElseThrow(() -> new LedgerException(
                    ErrorCode.UNAUTHENTICATED, "The email or password is wrong.", Map.of(), null));
        } finally {
            Arrays.fill(password, '\0');
        }
        return Reply.ok(AccessJson.token(tokens.issue(principal), Tokens.LIFETIME));
    }

    private Reply createKey(Call call) {
        Principal p = call.principal();
        call.query();
        RestRequests.NewKey request = RestRequests.newKey(call.body());
        return Reply.created(AccessJson.issued(access.createKey(Long.toString(p.teamId()), request.role(),
                request.agent(), request.name())));
    }

    private Reply keys(Call call) {
        Principal p = call.principal();
        call.query();
        return Reply.ok(AccessJson.keys(access.keys(p.teamId())));
    }

    private Reply revokeKey(Call call) {
        Principal p = call.principal();
        call.query();
        long keyId = call.pathId("key_id");
        Fields.of(call.body(), Set.of());
        return Reply.ok(AccessJson.key(access.revokeKey(keyId, p.teamId())));
    }
}
