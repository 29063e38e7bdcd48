package dev.entourage.cli.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Entourage's entries in a Claude Code settings file, merged in and taken out again without touching anything
 * else. Ours are: the {@code env} variables listed in {@value #MARKER} (a variable the user had set to the same
 * value stays theirs), and the hook handlers that post to {@value #HOOK_PATH} or run {@code entourage hook}.
 */
final class ClaudeCodeSettings {
    static final String HOOK_PATH = "/hooks/claude-code";
    static final String MARKER = "ENTOURAGE_INSTALLED_ENV";
    /** The hook events Entourage listens to (SessionStart takes only command hooks in Claude Code 2.1.332). */
    static final List<String> EVENTS = List.of("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolBatch",
            "SessionEnd");
    /** The only telemetry variable Claude Code honours in project settings (the others it ignores there). */
    static final Set<String> PROJECT_ENV = Set.of("OTEL_RESOURCE_ATTRIBUTES");

    private ClaudeCodeSettings() {
    }

    /** The telemetry variables: OTLP logs and metrics to the bridge, with the key and the agent. */
    static Map<String, String> telemetry(Connection connection) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CLAUDE_CODE_ENABLE_TELEMETRY", "1");
        env.put("OTEL_LOGS_EXPORTER", "otlp");
        env.put("OTEL_METRICS_EXPORTER", "otlp");
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", connection.url());
        env.put("OTEL_EXPORTER_OTLP_HEADERS", "X-API-Key=" + connection.key());
        env.put("OTEL_LOGS_EXPORT_INTERVAL", "1000");
        env.put("OTEL_METRIC_EXPORT_INTERVAL", "10000");
        String attributes = connection.resourceAttributes();
        if (attributes != null) {
            env.put("OTEL_RESOURCE_ATTRIBUTES", attributes);
        }
        return env;
    }

    /**
     * The hook handler per event: {@code http} hooks to the bridge (fail open when it is down), except SessionStart
     * (Claude Code runs only command hooks there) and, with {@code failClosed}, the blocking events, which run
     * {@code entourage hook} (refuses when the bridge cannot be reached).
     */
    static Map<String, ObjectNode> hooks(Connection connection, List<String> launcher, boolean failClosed) {
        Map<String, ObjectNode> hooks = new LinkedHashMap<>();
        for (String event : EVENTS) {
            boolean command = event.equals("SessionStart") || failClosed && !event.equals("SessionEnd");
            hooks.put(event, command ? commandHook(connection, launcher) : httpHook(connection));
        }
        return hooks;
    }

    private static ObjectNode httpHook(Connection connection) {
        ObjectNode hook = JsonText.object().put("type", "http").put("url", connection.url() + HOOK_PATH);
        ObjectNode headers = hook.putObject("headers").put("X-API-Key", connection.key());
        if (connection.agent() != null) {
            headers.put("X-Entourage-Agent", connection.agent());
        }
        if (connection.task() != null) {
            headers.put("X-Entourage-Task", connection.task());
        }
        return hook.put("timeout", 5);
    }

    private static ObjectNode commandHook(Connection connection, List<String> launcher) {
        List<String> words = new ArrayList<>(launcher);
        words.addAll(List.of("hook", "--url", connection.url(), "--key", connection.key()));
        if (connection.agent() != null) {
            words.addAll(List.of("--agent", connection.agent()));
        }
        if (connection.task() != null) {
            words.addAll(List.of("--task", connection.task()));
        }
        return JsonText.object().put("type", "command").put("command", Shell.join(words)).put("timeout", 30);
    }

    /**
     * {@code settings} with {@code env} and {@code hooks} merged in. {@code prune} also drops variables a previous
     * install set that this one does not. A variable already set to another value by someone else is a conflict
     * (refused, naming it) unless {@code force}.
     */
    static ObjectNode install(ObjectNode settings, Path file, Map<String, String> env, Map<String, ObjectNode> hooks,
                              boolean prune, boolean force) {
        ObjectNode result = settings.deepCopy();
        if (!env.isEmpty() || prune) {
            mergeEnv(result, file, env, prune, force);
        }
        for (Map.Entry<String, ObjectNode> hook : hooks.entrySet()) {
            putHook(result, file, hook.getKey(), hook.getValue());
        }
        return result;
    }

    /** {@code settings} without Entourage's hooks (when {@code hooks}) and variables. */
    static ObjectNode uninstall(ObjectNode settings, boolean hooks) {
        ObjectNode result = settings.deepCopy();
        JsonNode env = result.get("env");
        if (env instanceof ObjectNode vars && vars.has(MARKER)) {
            owned(vars).forEach(vars::remove);
            vars.remove(MARKER);
            if (vars.isEmpty()) {
                result.remove("env");
            }
        }
        if (hooks && result.get("hooks") instanceof ObjectNode events) {
            List<String> names = new ArrayList<>();
            events.properties().forEach(entry -> names.add(entry.getKey()));
            for (String event : names) {
                if (events.get(event) instanceof ArrayNode groups && removeOurs(groups, null) && groups.isEmpty()) {
                    events.remove(event);
                }
            }
            if (events.isEmpty()) {
                result.remove("hooks");
            }
        }
        return result;
    }

    /** Whether {@code settings} holds any Entourage hook. */
    static boolean hasOurHooks(ObjectNode settings) {
        return !uninstall(settings, true).path("hooks").equals(settings.path("hooks"));
    }

    private static void mergeEnv(ObjectNode settings, Path file, Map<String, String> env, boolean prune,
                                 boolean force) {
        ObjectNode vars = object(settings, "env", file);
        Set<String> owned = owned(vars);
        List<String> conflicts = new ArrayList<>();
        for (Map.Entry<String, String> entry : env.entrySet()) {
            JsonNode now = vars.get(entry.getKey());
            if (now == null || owned.contains(entry.getKey()) || force && !now.asText().equals(entry.getValue())) {
                vars.put(entry.getKey(), entry.getValue());
                owned.add(entry.getKey());
            } else if (!now.isTextual() || !now.asText().equals(entry.getValue())) {
                conflicts.add(entry.getKey());
            }
        }
        if (!conflicts.isEmpty()) {
            throw new LedgerException(ErrorCode.CONFLICT, file + " already sets " + String.join(", ", conflicts)
                    + " (not Entourage's doing: another telemetry set-up?); nothing was changed. Remove "
                    + (conflicts.size() == 1 ? "it" : "them") + ", or pass --force to replace "
                    + (conflicts.size() == 1 ? "it" : "them") + " (the backup keeps the old values).",
                    Map.of("field", "env"), null);
        }
        if (prune) {
            for (String key : List.copyOf(owned)) {
                if (!env.containsKey(key)) {
                    vars.remove(key);
                    owned.remove(key);
                }
            }
        }
        vars.remove(MARKER);
        if (!owned.isEmpty()) {
            vars.put(MARKER, String.join(",", owned));
        }
        if (vars.isEmpty()) {
            settings.remove("env");
        }
    }

    private static Set<String> owned(ObjectNode vars) {
        Set<String> owned = new LinkedHashSet<>();
        JsonNode marker = vars.get(MARKER);
        if (marker != null && marker.isTextual()) {
            for (String key : marker.asText().split(",")) {
                if (!key.isBlank()) {
                    owned.add(key.strip());
                }
            }
        }
        return owned;
    }

    private static void putHook(ObjectNode settings, Path file, String event, ObjectNode handler) {
        ObjectNode events = object(settings, "hooks", file);
        JsonNode existing = events.get(event);
        if (existing != null && !existing.isArray()) {
            throw JsonText.unreadable(file, "has hooks." + event + " that is not a list");
        }
        ArrayNode groups = existing == null ? events.putArray(event) : (ArrayNode) existing;
        if (!removeOurs(groups, handler)) {
            ObjectNode group = groups.addObject();
            if (event.equals("PreToolUse")) {
                group.put("matcher", "*");
            }
            group.putArray("hooks").add(handler);
        }
    }

    /**
     * Takes our handlers out of {@code groups} (dropping groups left empty by that); with a {@code replacement},
     * the first of ours is replaced by it in place instead. Returns whether any of ours was there.
     */
    private static boolean removeOurs(ArrayNode groups, ObjectNode replacement) {
        boolean found = false;
        for (int i = 0; i < groups.size(); i++) {
            if (!(groups.get(i).get("hooks") instanceof ArrayNode handlers)) {
                continue;
            }
            boolean removed = false;
            for (int j = 0; j < handlers.size(); j++) {
                if (!ours(handlers.get(j))) {
                    continue;
                }
                if (!found && replacement != null) {
                    handlers.set(j, replacement);
                } else {
                    handlers.remove(j--);
                    removed = true;
                }
                found = true;
            }
            if (removed && handlers.isEmpty()) {
                groups.remove(i--);
            }
        }
        return found;
    }

    /** An Entourage handler: an http hook to the hooks route, or a command running {@code entourage hook}. */
    static boolean ours(JsonNode handler) {
        String type = handler.path("type").asText();
        if (type.equals("http")) {
            return handler.path("url").asText().endsWith(HOOK_PATH);
        }
        String command = handler.path("command").asText();
        return type.equals("command") && command.contains("entourage") && command.contains(" hook --url ");
    }

    private static ObjectNode object(ObjectNode parent, String field, Path file) {
        JsonNode node = parent.get(field);
        if (node == null) {
            return parent.putObject(field);
        }
        if (!node.isObject()) {
            throw JsonText.unreadable(file, "has a \"" + field + "\" that is not an object");
        }
        return (ObjectNode) node;
    }
}
