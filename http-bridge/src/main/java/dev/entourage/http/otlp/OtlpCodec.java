package dev.entourage.http.otlp;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * OTLP messages to and from bytes with the generated classes: binary protobuf, or the OTLP/JSON mapping through
 * {@link JsonFormat} (unknown fields ignored, int64 as numbers or strings). Failures to decode are 400s.
 */
final class OtlpCodec {
    private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private OtlpCodec() {
    }

    /**
     * Decodes {@code body} into a message of {@code builder}'s type.
     *
     * @throws OtlpFailure 400 when the body is not such a message in its encoding
     */
    @SuppressWarnings("unchecked")
    static <M extends Message> M decode(OtlpBody body, Message.Builder builder) {
        try {
            if (body.encoding() == OtlpEncoding.PROTOBUF) {
                builder.mergeFrom(body.bytes());
            } else {
                JSON_PARSER.merge(utf8(body.bytes()), builder);
            }
            return (M) builder.build();
        } catch (InvalidProtocolBufferException e) {
            throw OtlpFailure.badRequest(body.encoding() == OtlpEncoding.PROTOBUF
                    ? "the body is not a valid protobuf-encoded OTLP export request"
                    : "the body is not a valid OTLP/JSON export request (or a field has the wrong type)");
        } catch (OtlpFailure e) {
            throw e;
        } catch (RuntimeException e) {
            // JsonFormat reports some malformed input (bad numbers, deep nesting) with unchecked exceptions
            throw OtlpFailure.badRequest("the body is not a valid OTLP export request");
        }
    }

    static byte[] encode(Message message, OtlpEncoding encoding) {
        if (encoding == OtlpEncoding.PROTOBUF) {
            return message.toByteArray();
        }
        try {
            return JSON_PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an OTLP response could not be printed as JSON", e);
        }
    }

    /**
     * A {@code google.rpc.Status} carrying {@code message} (field 2) and the gRPC code (field 1), as OTLP/HTTP
     * wants for every 4xx and 5xx answer: protobuf, or its JSON mapping.
     */
    static byte[] status(int grpcCode, String message, OtlpEncoding encoding) {
        if (encoding == OtlpEncoding.JSON) {
            return ("{\"code\":" + grpcCode + ",\"message\":" + jsonString(message) + "}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            out.writeInt32(1, grpcCode);
            out.writeString(2, message);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The gRPC code OTLP's Status carries for an HTTP status. */
    static int grpcCode(int httpStatus) {
        return switch (httpStatus) {
            case 400, 408, 415 -> 3;
            case 401 -> 16;
            case 403 -> 7;
            case 404 -> 5;
            case 405 -> 12;
            case 413, 429 -> 8;
            case 503 -> 14;
            default -> 13;
        };
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw OtlpFailure.badRequest("the JSON body is not valid UTF-8");
        }
    }

    private static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
