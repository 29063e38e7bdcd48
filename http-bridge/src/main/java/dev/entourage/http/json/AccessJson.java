package dev.entourage.http.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.access.ApiKey;
import dev.entourage.ledger.access.IssuedKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The JSON of API keys (never their secret, except once when issued) and of access tokens. */
public final class AccessJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AccessJson() {
    }

    /** A key as listed: its prefix, never its secret. */
    public static ObjectNode key(ApiKey k) {
        ObjectNode node = NODES.objectNode();
        node.put("id", k.id());
        node.put("prefix", k.prefix());
        node.put("name", k.name());
        node.put("role", k.role().wireName());
        node.put("team_id", k.teamId());
        node.put("agent_id", k.agentId());
        node.put("created_at", time(k.createdAt()));
        node.put("last_used_at", time(k.lastUsedAt()));
        node.put("revoked_at", time(k.revokedAt()));
        node.put("revoked", k.revokedAt() != null);
        return node;
    }

    /** A key just created, with its secret under {@code key}: the only time it is shown. */
    public static ObjectNode issued(IssuedKey issued) {
        ObjectNode node = key(issued.key());
        node.put("key", issued.secret());
        return node;
    }

    public static ObjectNode keys(List<ApiKey> keys) {
        ObjectNode node = NODES.objectNode();
        ArrayNode array = node.putArray("keys");
        keys.forEach(k -> array.add(key(k)));
        return node;
    }

    /** The answer of a login: {@code access_token}, {@code token_type} bearer, {@code expires_in} seconds. */
    public static ObjectNode token(String accessToken, Duration lifetime) {
        ObjectNode node = NODES.objectNode();
        node.put("access_token", accessToken);
        node.put("token_type", "bearer");
        node.put("expires_in", lifetime.toSeconds());
        return node;
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
