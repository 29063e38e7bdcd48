package dev.entourage.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One tool answer as any door returns it: the error flag, the structured content (for errors: the error body
 * {@code {"code", "message", "details"}}) and the summary line.
 */
record ToolAnswer(boolean isError, JsonNode structured, String text) {

    String errorCode() {
        return structured.path("code").asText(null);
    }

    String errorField() {
        return structured.path("details").path("field").asText(null);
    }
}
