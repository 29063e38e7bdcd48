package dev.entourage.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.access.Principal;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request as a route sees it: the principal, the path's parameters, the query (read strictly) and the
 * body (read at most once, at most {@value #MAX_BODY_BYTES} bytes, JSON only).
 */
final class Call {
    static final int MAX_BODY_BYTES = 1 << 20;
    /** The largest exponent, up or down, of a number in a body. */
    static final int MAX_NUMBER_SCALE = 1000;

    private final HttpServletRequest request;
    private final Principal principal;
    private final Map<String, String> pathParameters;
    private JsonNode body;
    private boolean bodyRead;

    Call(HttpServletRequest request, Principal principal, Map<String, String> pathParameters) {
        this.request = request;
        this.principal = principal;
        this.pathParameters = Map.copyOf(pathParameters);
    }

    /** Who calls; null only on the open route {@code POST /auth/login}. */
    /** Who is calling, as the use-case services check it. */
    Actor actor() {
        return principal().actor();
    }

    Principal principal() {
        return principal;
    }

    /** The path parameter {@code name} as given (an id or a name). */
    String path(String name) {
        return Objects.requireNonNull(pathParameters.get(name), name);
    }

    /** The path parameter {@code name} as an id: a positive whole number, else 400 naming it. */
    long pathId(String name) {
        String value = path(name);
        if (!value.matches("[0-9]{1,18}") || Long.parseLong(value) == 0) {
            throw LedgerException.invalid(name, "must be a positive whole number, not '" + HttpFailure.printable(value)
                    + "'");
        }
        return Long.parseLong(value);
    }

    /** The query, allowing only {@code allowed} parameter names. */
    Query query(String... allowed) {
        return Query.parse(request.getQueryString(), allowed);
    }

    String header(String name) {
        return request.getHeader(name);
    }

    /**
     * The JSON body, or null when there is none. A body must be JSON ({@code 415} otherwise), at most
     * {@value #MAX_BODY_BYTES} bytes ({@code 413}, judged by {@code Content-Length} and by counting), and
     * well formed ({@code 400} naming {@code body}).
     */
    JsonNode body() {
        if (!bodyRead) {
            bodyRead = true;
            body = readBody();
        }
        return body;
    }

    private JsonNode readBody() {
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        if (declared > 0 && !isJson(request.getContentType())) {
            throw HttpFailure.unsupportedMediaType(request.getContentType());
        }
        byte[] bytes;
        request.setAttribute(Responses.BODY_READ, Boolean.TRUE);
        try {
            bytes = readAtMost(request.getInputStream(), MAX_BODY_BYTES, declared);
        } catch (HttpBridge.BodyTooLarge e) {
            throw tooLarge();
        } catch (HttpBridge.BodyTimedOut e) {
            throw new HttpFailure(408, ErrorCode.INVALID_REQUEST, "body: did not arrive within "
                    + BodyDeadline.TIMEOUT.toSeconds() + " s", Map.of("field", "body"), Map.of("Connection", "close"));
        } catch (IOException e) {
            throw LedgerException.invalid("body", "could not be read to its end");
        }
        if (bytes.length == 0 || isBlank(bytes)) {
            return null;
        }
        if (!isJson(request.getContentType())) {
            throw HttpFailure.unsupportedMediaType(request.getContentType());
        }
        try {
            JsonNode node = Json.mapper().readTree(bytes);
            if (node == null || node.isMissingNode()) {
                return null;
            }
            checkNumbers(node, "body");
            return node;
        } catch (StreamConstraintsException e) {
            throw LedgerException.invalid("body", "is nested too deeply, or holds a number or text that is too long");
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field")) {
                throw LedgerException.invalid("body", "has a duplicate field");
            }
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw LedgerException.invalid("body", "is not valid JSON" + where);
        } catch (IOException e) {
            throw LedgerException.invalid("body", "is not valid JSON");
        }
    }

    /**
     * Refuses numbers whose exponent is absurd ({@code 1e-999999999}): a few characters of JSON that would
     * make the decoders build gigantic numbers or strings. Ordinary decimals are left to the decoders.
     */
    private static void checkNumbers(JsonNode node, String path) {
        if (node.isNumber()) {
            if (node.isBigDecimal() && Math.abs((long) node.decimalValue().scale()) > MAX_NUMBER_SCALE) {
                throw LedgerException.invalid(path, "is not a number this service accepts (its exponent is absurd)");
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                checkNumbers(field.getValue(), path.equals("body") ? HttpFailure.printable(field.getKey())
                        : path + "." + HttpFailure.printable(field.getKey()));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkNumbers(node.get(i), path + "[" + i + "]");
            }
        }
    }

    private static byte[] readAtMost(InputStream in, int max, long declared) throws IOException {
        int expected = declared > 0 ? (int) declared : 8192;
        ByteArrayOutputStream out = new ByteArrayOutputStream(expected);
        byte[] buffer = new byte[Math.min(expected + 1, 8192)];
        int total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            total += n;
            if (total > max) {
                throw tooLarge();
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    static LedgerException tooLarge() {
        return new LedgerException(ErrorCode.PAYLOAD_TOO_LARGE, "body: must be at most 1 MiB ("
                + MAX_BODY_BYTES + " bytes)", Map.of("field", "body", "max_bytes", MAX_BODY_BYTES), null);
    }

    /** {@code application/json} or {@code application/*+json}, in UTF-8 if a charset is named. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !(type.startsWith("application/") && type.endsWith("+json"))) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter[0].strip().equalsIgnoreCase("charset") && parameter.length == 2
                    && !parameter[1].strip().replace("\"", "").equalsIgnoreCase("utf-8")) {
                return false;
            }
        }
        return true;
    }
}
