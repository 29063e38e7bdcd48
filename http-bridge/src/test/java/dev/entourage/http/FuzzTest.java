package dev.entourage.http;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.access.ApiKey;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few thousand hostile bodies (seeded, so a failure replays) against every write route: random bytes,
 * truncations, deep nesting, huge and non-finite numbers, wrong types, unknown fields, duplicate keys, control
 * characters, broken UTF-8, wrong content types. Each must be refused with a 4xx in the error shape, never a
 * 5xx; afterwards nothing has changed and the server still answers.
 */
class FuzzTest {
    private static final long SEED = 20261128L;
    private static final int REQUESTS = 3000;

    @TempDir
    Path dir;

    private enum Type { ID, COUNT, DOLLARS, STRING, BOOLEAN, STRINGS, OBJECT }

    private record Field(String name, Type type, String valid) {
    }

    private record Target(String method, String path, List<Field> fields) {
    }

    @Test
    void hostileBodiesNeverCauseA5xxNorAWrite() throws Exception {
        try (Harness h = Harness.start(dir)) {
            h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\", \"daily_limit_usd\": 5}");
            h.admin("PATCH", "/api/v1/settings/teams/default", "{\"daily_cost_limit_usd\": 10}");
            long task = h.admin("POST", "/api/v1/teams/default/tasks", "{\"title\": \"t\", \"budget_usd\": 2}").json()
                    .get("id").asLong();
            long session = h.admin("POST", "/api/v1/agents/eng-1/sessions", "{\"task_id\": " + task + "}").json()
                    .get("id").asLong();
            h.admin("POST", "/api/v1/sessions/" + session + "/usage",
                    "{\"input_tokens\": 100, \"output_tokens\": 50, \"cost_usd\": 0.3}");
            List<Target> targets = targets(session, task);
            Map<String, Object> before = snapshot(h, task);

            Random random = new Random(SEED);
            int sent = 0;
            while (sent < REQUESTS) {
                Target target = targets.get(random.nextInt(targets.size()));
                byte[] body = hostile(random, target);
                if (looksHarmless(body)) {
                    continue;
                }
                String contentType = random.nextInt(10) == 0
                        ? List.of("text/plain", "application/json; charset=utf-16", "application/xml",
                        "multipart/form-data").get(random.nextInt(4))
                        : "application/json";
                HttpRequest request = HttpRequest.newBuilder(h.uri(target.path()))
                        .timeout(Duration.ofSeconds(30))
                        .header("X-API-Key", h.adminKey)
                        .header("Content-Type", contentType)
                        .method(target.method(), HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                Harness.Answer answer;
                try {
                    answer = h.send(request);
                } catch (RuntimeException e) {
                    throw new AssertionError("request " + sent + ": " + target.method() + " " + target.path() + " "
                            + contentType + " with " + body.length + " bytes: "
                            + new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8), e);
                }
                String what = target.method() + " " + target.path() + " with "
                        + new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8) + " → " + answer;
                assertThat(answer.status()).as(what).isBetween(400, 499);
                assertThat(answer.errorCode()).as(what).isNotNull();
                assertThat(answer.body()).as(what).doesNotContain("Exception").doesNotContain("\tat ");
                sent++;
            }

            assertThat(snapshot(h, task)).isEqualTo(before);
            assertThat(h.call("GET", "/healthz", null).status()).isEqualTo(200);
        }
    }

    private static List<Target> targets(long session, long task) {
        String s = "/api/v1/sessions/" + session;
        return List.of(
                new Target("POST", "/api/v1/agents/eng-1/sessions", List.of(
                        new Field("task_id", Type.ID, Long.toString(task)),
                        new Field("model", Type.STRING, "\"claude-sonnet-4-20250514\""))),
                new Target("POST", s + "/usage", List.of(
                        new Field("input_tokens", Type.COUNT, "2500"),
                        new Field("output_tokens", Type.COUNT, "800"),
                        new Field("cache_read_input_tokens", Type.COUNT, "10"),
                        new Field("cost_usd", Type.DOLLARS, "0.012"),
                        new Field("model", Type.STRING, "\"claude-opus-4\""),
                        new Field("event_id", Type.STRING, "\"evt-1\""))),
                new Target("POST", s + "/end", List.of(new Field("session_id", Type.ID, Long.toString(session)))),
                new Target("POST", s + "/kill", List.of(new Field("reason", Type.STRING, "\"looping\""))),
                new Target("PATCH", "/api/v1/settings/teams/default", List.of(
                        new Field("daily_cost_limit_usd", Type.DOLLARS, "20"),
                        new Field("timezone", Type.STRING, "\"Europe/Berlin\""),
                        new Field("paused", Type.BOOLEAN, "true"),
                        new Field("task_type_budgets_usd", Type.OBJECT, "{\"bugfix\": 1}"))),
                new Target("PATCH", "/api/v1/settings/agents/eng-1", List.of(
                        new Field("daily_limit_usd", Type.DOLLARS, "7"),
                        new Field("paused", Type.BOOLEAN, "true"))),
                new Target("POST", "/api/v1/teams/default/agents", List.of(
                        new Field("name", Type.STRING, "\"fuzz-agent\""),
                        new Field("daily_limit_usd", Type.DOLLARS, "1"))),
                new Target("POST", "/api/v1/teams/default/tasks", List.of(
                        new Field("title", Type.STRING, "\"fuzz\""),
                        new Field("priority", Type.STRING, "\"low\""),
                        new Field("task_type", Type.STRING, "\"bugfix\""),
                        new Field("tags", Type.STRINGS, "[\"x\"]"),
                        new Field("budget_usd", Type.DOLLARS, "1"))),
                new Target("POST", "/api/v1/auth/keys", List.of(
                        new Field("role", Type.STRING, "\"viewer\""),
                        new Field("name", Type.STRING, "\"fuzz\""))));
    }

    /** A body built to be invalid for {@code target}, in one of many ways. */
    private static byte[] hostile(Random random, Target target) {
        List<String[]> pairs = new ArrayList<>();
        for (Field f : target.fields()) {
            pairs.add(new String[] {quote(f.name()), f.valid()});
        }
        Field victim = target.fields().get(random.nextInt(target.fields().size()));
        int victimIndex = target.fields().indexOf(victim);
        switch (random.nextInt(14)) {
            case 0 -> {
                byte[] bytes = new byte[1 + random.nextInt(300)];
                random.nextBytes(bytes);
                bytes[0] = (byte) "}]:,#<'x\u0001\u007f".charAt(random.nextInt(10));
                return bytes;
            }
            case 1 -> {
                String valid = object(pairs);
                return valid.substring(0, 1 + random.nextInt(valid.length() - 1)).getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> {
                int depth = 100 + random.nextInt(3000);
                pairs.get(victimIndex)[1] = "[".repeat(depth) + "]".repeat(depth);
            }
            case 3 -> pairs.get(victimIndex)[1] = List.of("1e400", "-1e400", "1e-999999999", "1e999999999",
                    "123456789012345678901234567890123456789", "-1", "1" + "0".repeat(random.nextInt(2000)))
                    .get(random.nextInt(7));
            case 4 -> pairs.get(victimIndex)[1] = List.of("NaN", "Infinity", "-Infinity").get(random.nextInt(3));
            case 5 -> pairs.get(victimIndex)[1] = wrongType(random, victim.type());
            case 6 -> pairs.add(random.nextInt(pairs.size() + 1), new String[] {quote(unknownName(random)), "1"});
            case 7 -> pairs.add(new String[] {quote(victim.name()), victim.valid()});
            case 8 -> {
                return List.of("[]", "[" + object(pairs) + "]", "\"text\"", "42", "true", "false", "-0.5")
                        .get(random.nextInt(7)).getBytes(StandardCharsets.UTF_8);
            }
            case 9 -> {
                byte[] prefix = ("{" + quote(victim.name()) + ": \"").getBytes(StandardCharsets.UTF_8);
                byte[] broken = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, (byte) 0x28, (byte) 0xed, (byte) 0xa0};
                byte[] out = new byte[prefix.length + broken.length + 2];
                System.arraycopy(prefix, 0, out, 0, prefix.length);
                System.arraycopy(broken, 0, out, prefix.length, broken.length);
                out[out.length - 2] = '"';
                out[out.length - 1] = '}';
                return out;
            }
            case 10 -> pairs.get(victimIndex)[1] = victim.type() == Type.STRING || victim.type() == Type.STRINGS
                    ? "\"bad\\u0000" + "\\u001b[31m\\r\\n" + "\""
                    : wrongType(random, victim.type());
            case 11 -> pairs.get(victimIndex)[1] = victim.type() == Type.COUNT || victim.type() == Type.ID
                    ? List.of("1.5", "0.000001", "-1", "9223372036854775808").get(random.nextInt(4))
                    : wrongType(random, victim.type());
            case 12 -> {
                String valid = object(pairs);
                return (valid + List.of(" {}", "x", ",", "]", " 1").get(random.nextInt(5)))
                        .getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                if (random.nextInt(20) == 0) {
                    return ("{\"title\": \"" + "a".repeat(Call.MAX_BODY_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
                }
                pairs.add(new String[] {quote(List.of("alert_webhook_url", "hold_id", "Input_tokens", "session",
                        "__proto__", "constructor", "").get(random.nextInt(7))), "\"x\""});
            }
        }
        return object(pairs).getBytes(StandardCharsets.UTF_8);
    }

    private static String wrongType(Random random, Type type) {
        List<String> choices = switch (type) {
            case ID, COUNT, DOLLARS -> List.of("\"5\"", "true", "[1]", "{\"v\": 1}", "\"\"", "\"0x10\"");
            case STRING -> List.of("5", "true", "[\"a\"]", "{\"v\": \"a\"}", "1.5", "false");
            case BOOLEAN -> List.of("\"true\"", "1", "0", "[]", "{}", "\"yes\"");
            case STRINGS -> List.of("\"x\"", "5", "[1, 2]", "{\"a\": \"b\"}", "[[\"x\"]]", "[null]");
            case OBJECT -> List.of("\"x\"", "5", "[1]", "true", "{\"bugfix\": \"cheap\"}", "{\"bugfix\": null}");
        };
        return choices.get(random.nextInt(choices.size()));
    }

    private static String unknownName(Random random) {
        StringBuilder name = new StringBuilder("zz");
        for (int i = 0; i < 1 + random.nextInt(12); i++) {
            name.append((char) ('a' + random.nextInt(26)));
        }
        return name.toString();
    }

    private static String object(List<String[]> pairs) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < pairs.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(pairs.get(i)[0]).append(": ").append(pairs.get(i)[1]);
        }
        return out.append('}').toString();
    }

    private static String quote(String text) {
        return "\"" + text + "\"";
    }

    /** Bodies a route could take as "nothing given" (and so act on): never sent. */
    private static boolean looksHarmless(byte[] body) {
        try {
            JsonNode node = Json.mapper().readTree(body);
            return node == null || node.isMissingNode() || node.isNull() || node.isObject() && node.isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static Map<String, Object> snapshot(Harness h, long task) {
        boolean fuzzAgentExists;
        try {
            h.ledger.settings().agent(Actor.local(), Ref.parse("fuzz-agent"));
            fuzzAgentExists = true;
        } catch (LedgerException e) {
            fuzzAgentExists = false;
        }
        List<String> keys = h.access.keys(h.team.id()).stream()
                .map((ApiKey k) -> k.id() + ":" + k.role() + ":" + k.revokedAt()).toList();
        return Map.of(
                "budget", h.admin("GET", "/api/v1/agents/eng-1/budget?task_id=" + task, null).json(),
                "sessions", withoutDurations(h.admin("GET", "/api/v1/agents/eng-1/sessions", null).json()),
                "tasks", h.admin("GET", "/api/v1/teams/default/tasks", null).json(),
                "costs", withoutDurations(h.admin("GET", "/api/v1/teams/default/costs", null).json()),
                "team", h.ledger.settings().team(Actor.local(), Ref.parse("default")),
                "agent", h.ledger.settings().agent(Actor.local(), Ref.parse("eng-1")),
                "fuzz-agent", fuzzAgentExists,
                "keys", keys);
    }

    private static JsonNode withoutDurations(JsonNode node) {
        JsonNode copy = node.deepCopy();
        for (JsonNode row : copy.path("sessions")) {
            ((ObjectNode) row).remove("duration_minutes");
        }
        return copy;
    }
}
