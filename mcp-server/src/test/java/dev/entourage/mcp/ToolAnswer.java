package dev.entourage.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/** One tool answer as any door returns it: the error flag, the structured content and the summary line. */
record ToolAnswer(boolean isError, JsonNode structured, String text) {

    String errorCode() {
        return structured.path("error").path("code").asText(null);
    }

    String errorField() {
        return structured.path("error").path("details").path("field").asText(null);
    }
}
