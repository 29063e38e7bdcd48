package dev.entourage.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.Objects;

/**
 * What a route answers: a status and a JSON body, or a text body of another type (CSV), whole or streamed, plus
 * headers.
 *
 * @param json   null for a text reply
 * @param text   null for a JSON or a streamed reply
 * @param stream writes a text body of unknown length as it goes (a CSV export); null otherwise
 */
record Reply(int status, JsonNode json, String contentType, String text, Map<String, String> headers,
             Stream stream) {
    Reply {
        headers = Map.copyOf(headers);
        int bodies = (json == null ? 0 : 1) + (text == null ? 0 : 1) + (stream == null ? 0 : 1);
        if (bodies != 1) {
            throw new IllegalArgumentException("a reply has one body: JSON, text or a stream");
        }
        if (json == null) {
            Objects.requireNonNull(contentType, "contentType");
        }
    }

    Reply(int status, JsonNode json, String contentType, String text, Map<String, String> headers) {
        this(status, json, contentType, text, headers, null);
    }

    /** A text body written in parts; it may read the ledger again between parts. */
    @FunctionalInterface
    interface Stream {
        void writeTo(Writer out) throws IOException;
    }

    static Reply streamed(String contentType, Map<String, String> headers, Stream stream) {
        return new Reply(200, null, contentType, null, headers, Objects.requireNonNull(stream, "stream"));
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
