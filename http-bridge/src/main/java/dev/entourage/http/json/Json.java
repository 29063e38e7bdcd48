package dev.entourage.http.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration of Entourage, shared by REST, MCP and the CLI's {@code --json} output. */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private Json() {
    }

    /**
     * The shared mapper. Floats read as {@link java.math.BigDecimal} so money keeps its decimal value;
     * {@code NaN} and {@code Infinity} are read (so that they can be refused naming their field rather than
     * failing as unreadable JSON); duplicate keys and trailing tokens are errors.
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
