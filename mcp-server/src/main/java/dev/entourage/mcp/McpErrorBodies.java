package dev.entourage.mcp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * How the MCP transports' HTTP error answers are written: the SDK serializes its {@link McpError} (an exception)
 * as the body of a 4xx/5xx, stack trace and causes included. Here it becomes a JSON-RPC error response,
 * {@code {"jsonrpc": "2.0", "id": null, "error": {"code", "message"}}}, whose message is the SDK's when it is a
 * plain sentence ("Session not found") and otherwise a fixed text for the code: no class names, exception
 * text or stack frames reach a client.
 */
final class McpErrorBodies {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9 ,;:/()'_-]{1,120}");

    private McpErrorBodies() {
    }

    /** A copy of {@code base} that writes {@link McpError} as above. */
    static ObjectMapper mapper(ObjectMapper base) {
        return base.copy().registerModule(new SimpleModule("entourage-mcp-errors")
                .addSerializer(McpError.class, new Serializer()));
    }

    /** The message a client sees for an error with this code and SDK message. */
    static String message(int code, String message) {
        if (message != null && PLAIN.matcher(message).matches() && !message.contains("xception")) {
            return message;
        }
        switch (code) {
            case McpSchema.ErrorCodes.PARSE_ERROR:
                return "Parse error: the body is not a JSON-RPC message";
            case McpSchema.ErrorCodes.INVALID_REQUEST:
                return "Invalid request";
            case McpSchema.ErrorCodes.METHOD_NOT_FOUND:
                return "Method not found";
            case McpSchema.ErrorCodes.INVALID_PARAMS:
                return "Invalid params";
            default:
                return "The request could not be processed";
        }
    }

    private static final class Serializer extends StdSerializer<McpError> {
        private static final long serialVersionUID = 1L;

        Serializer() {
            super(McpError.class);
        }

        @Override
        public void serialize(McpError error, JsonGenerator json, SerializerProvider provider) throws IOException {
            McpSchema.JSONRPCResponse.JSONRPCError rpc = error.getJsonRpcError();
            int code = rpc == null || rpc.code() == null ? McpSchema.ErrorCodes.INTERNAL_ERROR : rpc.code();
            json.writeStartObject();
            json.writeStringField("jsonrpc", McpSchema.JSONRPC_VERSION);
            json.writeNullField("id");
            json.writeObjectFieldStart("error");
            json.writeNumberField("code", code);
            json.writeStringField("message", message(code, rpc == null ? null : rpc.message()));
            json.writeEndObject();
            json.writeEndObject();
        }
    }
}
