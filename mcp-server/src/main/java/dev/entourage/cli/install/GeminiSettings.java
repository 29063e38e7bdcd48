package dev.entourage.cli.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Entourage's {@code telemetry} block in Gemini CLI's {@code settings.json}: OTLP over HTTP (protobuf, to
 * {@code URL/v1/logs} and {@code /v1/metrics}) without prompts. Gemini's settings have no place for headers or
 * resource attributes: its OpenTelemetry exporters read them from the environment
 * ({@code OTEL_EXPORTER_OTLP_HEADERS}, {@code OTEL_RESOURCE_ATTRIBUTES}).
 */
final class GeminiSettings {
    static final List<String> KEYS = List.of("enabled", "target", "otlpEndpoint", "otlpProtocol", "logPrompts");
    private static final List<String> ELSEWHERE = List.of("otlpEndpoint", "outfile", "target", "useCollector");

    private GeminiSettings() {
    }

    static ObjectNode install(ObjectNode settings, Path file, String url, boolean force) {
        ObjectNode result = settings.deepCopy();
        JsonNode existing = result.get("telemetry");
        if (existing != null && !existing.isObject()) {
            throw JsonText.unreadable(file, "has a \"telemetry\" that is not an object");
        }
        ObjectNode telemetry = existing == null ? result.putObject("telemetry") : (ObjectNode) existing;
        if (!force && !ours(telemetry)) {
            for (String key : ELSEWHERE) {
                if (telemetry.has(key)) {
                    throw new LedgerException(ErrorCode.CONFLICT, file + " already sends Gemini's telemetry "
                            + "elsewhere (telemetry." + key + " is set, not by Entourage); nothing was changed. Remove "
                            + "it, or pass --force to replace it (the backup keeps it).", Map.of("field", key), null);
                }
            }
        }
        telemetry.remove("outfile");
        telemetry.put("enabled", true).put("target", "local").put("otlpEndpoint", url).put("otlpProtocol", "http")
                .put("logPrompts", false);
        return result;
    }

    static ObjectNode uninstall(ObjectNode settings) {
        ObjectNode result = settings.deepCopy();
        if (result.get("telemetry") instanceof ObjectNode telemetry && ours(telemetry)) {
            KEYS.forEach(telemetry::remove);
            if (telemetry.isEmpty()) {
                result.remove("telemetry");
            }
        }
        return result;
    }

    /** The block as install writes it (OTLP over HTTP, local target, no prompts). */
    private static boolean ours(ObjectNode telemetry) {
        return telemetry.path("enabled").asBoolean(false) && "local".equals(telemetry.path("target").asText())
                && "http".equals(telemetry.path("otlpProtocol").asText()) && telemetry.has("otlpEndpoint")
                && telemetry.path("logPrompts").isBoolean() && !telemetry.path("logPrompts").asBoolean();
    }
}
