package dev.entourage.http.otlp;

import java.util.Locale;

/** The two OTLP/HTTP encodings, told by {@code Content-Type}; an answer uses the request's. */
enum OtlpEncoding {
    PROTOBUF("application/x-protobuf"),
    JSON("application/json");

    private final String mediaType;

    OtlpEncoding(String mediaType) {
        this.mediaType = mediaType;
    }

    String mediaType() {
        return mediaType;
    }

    /**
     * The encoding {@code contentType} names, or null when it names neither (or JSON in a charset other than
     * UTF-8).
     */
    static OtlpEncoding of(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        if (type.equals(PROTOBUF.mediaType)) {
            return PROTOBUF;
        }
        if (!type.equals(JSON.mediaType)) {
            return null;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter[0].strip().equalsIgnoreCase("charset") && parameter.length == 2
                    && !parameter[1].strip().replace("\"", "").equalsIgnoreCase("utf-8")) {
                return null;
            }
        }
        return JSON;
    }
}
