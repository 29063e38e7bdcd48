package dev.entourage.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * What a route answers: a status and a JSON body, or a text body of another type (CSV), plus headers.
 *
 * @param json null for a text reply
 * @param text null for a JSON reply
 */
record Reply(int status, JsonNode json, String contentType, String text, Map<String, String> headers) {
    Reply {
        headers = Map.copyOf(headers);
        if ((json == null) == (text == null)) {
            throw new IllegalArgumentException("a reply has either a JSON or a text body");
        }
        if (text != null) {
            Objects.requireNonNull(contentType, "contentType");
        }
    }

    static Reply ok(JsonNode body) {
        return new Reply(200, body, null, null, Map.of());
    }

    static Reply created(JsonNode body) {
        return new Reply(201, body, null, null, Map.of());
    }

    static Reply text(String contentType, String body, Map<String, String> headers) {
        return new Reply(200, null, contentType, body, headers);
    }
}
