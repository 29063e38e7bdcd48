package dev.entourage.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.entourage.http.json.WireSchemas;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks an answer against the published schema of its shape ({@code docs/schemas/NAME.json}, which
 * {@code PublishedSchemasTest} keeps equal to {@link WireSchemas#published()}). Every door calls it on every
 * answer, so each contract scenario also checks the wire shapes.
 */
final class Conformance {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private Conformance() {
    }

    /** Fails unless {@code value} conforms to the published schema {@code shape}. */
    static void check(String shape, JsonNode value) {
        Schema schema = SCHEMAS.computeIfAbsent(shape, name -> {
            JsonNode published = WireSchemas.published().get(name);
            if (published == null) {
                throw new AssertionError("no published schema " + name);
            }
            return REGISTRY.getSchema(published);
        });
        List<Error> errors = schema.validate(value);
        if (!errors.isEmpty()) {
            throw new AssertionError("answer does not conform to docs/schemas/" + shape + ".json: " + errors
                    + "\n" + value.toPrettyString());
        }
    }

    /** The shape an MCP tool answers with: its output schema, or the error body of an {@code isError} result. */
    static String mcpShape(String tool, Map<String, Object> arguments, boolean isError) {
        if (isError) {
            return "error_body";
        }
        return switch (tool) {
            case "start_session" -> "session_start";
            case "report_usage" -> "usage";
            case "check_budget" -> arguments.containsKey("estimated_cost_usd") ? "budget_with_hold" : "budget";
            case "end_session" -> "session";
            default -> throw new IllegalArgumentException(tool);
        };
    }
}
