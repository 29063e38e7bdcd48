package dev.entourage.cli.install;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON configuration text: parsed as one object, written the way the agents write their own files
 * ({@code JSON.stringify(value, null, 2)}: two-space indent, {@code "key": value}, {@code []} and {@code {}} when
 * empty), so a merge changes only the lines it must.
 */
final class JsonText {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonText() {
    }

    /** The object in {@code text}; blank text is an empty object. Anything else is refused, naming the file. */
    static ObjectNode parse(String text, Path file) {
        if (text == null || text.isBlank()) {
            return MAPPER.createObjectNode();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw unreadable(file, "is not valid JSON (line " + e.getLocation().getLineNr() + ")");
        }
        if (node == null || !node.isObject()) {
            throw unreadable(file, "does not hold a JSON object");
        }
        return (ObjectNode) node;
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code node} as text in the agents' own layout, ending with a newline when {@code newline}. */
    static String write(JsonNode node, boolean newline) {
        StringBuilder out = new StringBuilder();
        write(node, "", out);
        return newline ? out.append('\n').toString() : out.toString();
    }

    private static void write(JsonNode node, String indent, StringBuilder out) {
        String inner = indent + "  ";
        if (node.isObject() && node.size() > 0) {
            out.append("{\n");
            Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                out.append(inner).append(quote(field.getKey())).append(": ");
                write(field.getValue(), inner, out);
                out.append(fields.hasNext() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (node.isArray() && node.size() > 0) {
            out.append("[\n");
            for (int i = 0; i < node.size(); i++) {
                out.append(inner);
                write(node.get(i), inner, out);
                out.append(i < node.size() - 1 ? ",\n" : "\n");
            }
            out.append(indent).append(']');
        } else if (node.isObject()) {
            out.append("{}");
        } else if (node.isArray()) {
            out.append("[]");
        } else {
            out.append(node.toString());
        }
    }

    private static String quote(String text) {
        return MAPPER.getNodeFactory().textNode(text).toString();
    }

    static LedgerException unreadable(Path file, String what) {
        return new LedgerException(ErrorCode.CONFLICT, file + " " + what + "; nothing was changed. Fix or move it, "
                + "then run this again.", Map.of("field", "file"), null);
    }
}
