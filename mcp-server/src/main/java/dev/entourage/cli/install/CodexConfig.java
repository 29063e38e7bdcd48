package dev.entourage.cli.install;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Entourage's {@code [otel]} section of Codex's {@code config.toml}, written as text between two marker comments
 * so every other line of the file stays exactly as it was. Codex reads header values literally (no variables), so
 * the key is written in. An {@code [otel]} section someone else wrote is never touched: install refuses, naming it.
 */
final class CodexConfig {
    static final String BEGIN = "# >>> entourage: written by `entourage install codex`; `entourage uninstall codex` "
            + "takes it out";
    static final String END = "# <<< entourage";
    private static final Pattern OTEL = Pattern.compile("^\\s*(\\[\\s*(otel|\"otel\"|'otel')\\s*[\\].]"
            + "|(otel|\"otel\"|'otel')\\s*[.=])");

    private CodexConfig() {
    }

    /** The section: OTLP/HTTP protobuf logs to the bridge with the key; no prompts; no metrics (Statsig's default). */
    static List<String> block(Connection connection) {
        return List.of(BEGIN, "[otel]", "log_user_prompt = false",
                "exporter = { otlp-http = { endpoint = " + quote(connection.url() + "/v1/logs")
                        + ", protocol = \"binary\", headers = { \"X-API-Key\" = " + quote(connection.key()) + " } } }",
                "metrics_exporter = \"none\"", END);
    }

    /** {@code text} (null: no file) with the section added, or replaced where it is. */
    static String install(String text, Path file, Connection connection) {
        List<String> lines = lines(text);
        int[] ours = find(lines);
        for (int i = 0; i < lines.size(); i++) {
            if ((ours == null || i < ours[0] || i > ours[1]) && OTEL.matcher(lines.get(i)).find()) {
                throw new LedgerException(ErrorCode.CONFLICT, file + " line " + (i + 1) + " already configures "
                        + "Codex's telemetry (" + lines.get(i).strip() + "), not by Entourage; nothing was changed. "
                        + "Remove that [otel] configuration (or move it aside), then run this again.",
                        Map.of("field", "otel"), null);
            }
        }
        List<String> result = new ArrayList<>(lines);
        if (ours != null) {
            result.subList(ours[0], ours[1] + 1).clear();
            result.addAll(ours[0], block(connection));
        } else {
            if (!result.isEmpty()) {
                result.add("");
            }
            result.addAll(block(connection));
        }
        return String.join("\n", result) + "\n";
    }

    /** {@code text} without the section (and the blank line install put before it); unchanged when it has none. */
    static String uninstall(String text) {
        List<String> lines = lines(text);
        int[] ours = find(lines);
        if (ours == null) {
            return text;
        }
        List<String> result = new ArrayList<>(lines);
        int from = ours[0] > 0 && result.get(ours[0] - 1).isBlank() ? ours[0] - 1 : ours[0];
        result.subList(from, ours[1] + 1).clear();
        return result.isEmpty() ? "" : String.join("\n", result) + "\n";
    }

    private static int[] find(List<String> lines) {
        int begin = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals(BEGIN)) {
                begin = i;
            } else if (begin >= 0 && lines.get(i).equals(END)) {
                return new int[] {begin, i};
            }
        }
        return null;
    }

    private static List<String> lines(String text) {
        return text == null || text.isEmpty() ? List.of() : text.lines().toList();
    }

    /** A TOML basic string. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
