package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar as a process: its tool list and schemas, a clean stdout under abuse, and exit on end of input. */
class StdioSidecarIT {
    @TempDir
    Path dir;

    @Test
    void reportUsagePricesAndChecksThePriceModifiersOnStdio() {
        try (Sidecar sidecar = new Sidecar(dir.resolve("ledger.db"), "eng-1", "--model", "claude-sonnet-4-5")) {
            assertThat(sidecar.call("start_session", Map.of()).isError()).isFalse();
            ToolAnswer batch = sidecar.call("report_usage", parseMap("{\"input_tokens\": 10000, "
                    + "\"output_tokens\": 2000, \"service_tier\": \"batch\", \"speed\": \"normal\", "
                    + "\"inference_geo\": \"global\"}"));
            assertThat(batch.isError()).as(batch.text()).isFalse();
            assertThat(batch.structured().get("cost_usd").decimalValue()).isEqualByComparingTo("0.03");

            ToolAnswer refused = sidecar.call("report_usage", parseMap("{\"input_tokens\": 1, "
                    + "\"output_tokens\": 1, \"inference_geo\": \"mars\"}"));
            assertThat(refused.isError()).isTrue();
            assertThat(refused.structured().get("details").get("field").asText()).isEqualTo("inference_geo");
            assertThat(sidecar.call("check_budget", Map.of()).structured().get("daily_spent_usd").decimalValue())
                    .isEqualByComparingTo("0.03");
        }
    }

    @Test
    void listsTheFourToolsAndTheHookToolAndEveryAnswerMatchesItsOutputSchema() {
        try (Sidecar sidecar = new Sidecar(dir.resolve("ledger.db"), "eng-1", "--model", LedgerContract.MODEL)) {
            List<McpSchema.Tool> all = sidecar.client().listTools().tools();
            assertThat(all).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("start_session",
                    "report_usage", "check_budget", "end_session", ClaudeCodeHookTool.NAME);
            List<McpSchema.Tool> tools = all.stream().filter(t -> !t.name().equals(ClaudeCodeHookTool.NAME)).toList();
            assertThat(tools).allSatisfy(tool -> {
                assertThat(tool.outputSchema()).isNotEmpty();
                assertThat(tool.inputSchema().get("additionalProperties")).isEqualTo(false);
            });
            assertThat(sidecar.client().getServerInstructions()).contains("report_usage").contains("stop");

            DefaultJsonSchemaValidator validator = new DefaultJsonSchemaValidator();
            Map<String, Map<String, Object>> schemas = new java.util.HashMap<>();
            tools.forEach(tool -> schemas.put(tool.name(), tool.outputSchema()));
            for (String[] call : new String[][] {{"start_session", "{}"},
                    {"report_usage", "{\"input_tokens\": 1200, \"output_tokens\": 300, \"cache_read_input_tokens\": 50}"},
                    {"check_budget", "{}"}, {"end_session", "{}"}}) {
                ToolAnswer answer = sidecar.call(call[0], parseMap(call[1]));
                assertThat(answer.isError()).as(call[0] + ": " + answer.text()).isFalse();
                assertThat(answer.text()).as("one-line summary").isNotBlank().doesNotContain("\n");
                var validation = validator.validate(schemas.get(call[0]),
                        Sidecar.MAPPER.convertValue(answer.structured(), Map.class));
                assertThat(validation.valid()).as(call[0] + ": " + validation.errorMessage()).isTrue();
            }
        }
    }

    @Test
    void stdoutCarriesOnlyJsonRpcEvenUnderGarbageAndTheProcessExitsWhenStdinCloses() throws Exception {
        Process process = new ProcessBuilder("java", "-jar", Sidecar.jar(), "mcp", "--agent", "eng-2", "--create", "--db",
                dir.resolve("ledger.db").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();

        OutputStream in = process.getOutputStream();
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}");
        send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send(in, "this is not json");
        send(in, "[1, 2, 3]");
        send(in, "{\"id\": 7, \"hello\": true}");
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"start_session\","
                + "\"arguments\":{\"model\":\"claude-sonnet-4-20250514\"}}}");
        waitForLines(lines, 5);
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"report_usage\","
                + "\"arguments\":{\"input_tokens\":NaN,\"output_tokens\":1}}}");
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"no_such_tool\"}}");
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}");
        waitForLines(lines, 8);
        in.close();

        assertThat(process.waitFor(5, TimeUnit.SECONDS)).as("exits after stdin closes").isTrue();
        reader.join(2000);
        synchronized (lines) {
            assertThat(lines).allSatisfy(line -> {
                JsonNode message = LedgerContract.parse(line);
                assertThat(message.path("jsonrpc").asText()).isEqualTo("2.0");
                assertThat(message.has("result") || message.has("error")).as(line).isTrue();
            });
            assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"code\":-32700"));
            assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"id\":7").contains("-32600"));
            JsonNode nan = lines.stream().map(LedgerContract::parse)
                    .filter(m -> m.path("id").asInt() == 3).findFirst().orElseThrow();
            assertThat(nan.path("result").path("isError").asBoolean()).isTrue();
            assertThat(nan.path("result").has("structuredContent")).isFalse();
            assertThat(nan.path("result").path("_meta").path(LedgerTools.ERROR_META).path("details").path("field")
                    .asText()).isEqualTo("input_tokens");
            assertThat(lines.stream().map(LedgerContract::parse).filter(m -> m.path("id").asInt() == 5)).hasSize(1);
        }
        JsonNode sessions = LedgerContract.parse(new Cli(dir.resolve("ledger.db"))
                .output("sessions", "eng-2", "--format", "json"));
        assertThat(sessions.path("sessions").get(0).path("status").asText())
                .as("the session the client left open is ended").isEqualTo("ended");
    }

    private static void send(OutputStream in, String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static void waitForLines(List<String> lines, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (lines.size() >= count) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + count + " answers, got " + lines);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseMap(String json) {
        return Sidecar.MAPPER.convertValue(LedgerContract.parse(json), Map.class);
    }

    @Test
    void aSidecarStartedWithOnlyHomeOpensTheLedgerUnderHomeAndSaysWhichOnStderr() throws Exception {
        Path home = dir.resolve("home");
        assertThat(dev.entourage.cli.EntourageCommand.execute(Map.of("HOME", home.toString()), "init")).isZero();
        Path ledger = home.resolve(".entourage/entourage.db");
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", Sidecar.jar(), "mcp", "--agent", "inspector")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(Map.of("HOME", home.toString(), "PATH", System.getenv("PATH")));
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits when stdin closes").isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(stderr).isZero();
        assertThat(stderr).contains("agent inspector").contains("ledger " + ledger + " (from default)");
    }

    @Test
    void aSidecarOnAMissingDbExitsOneNamingItAndCreatesNothing() throws Exception {
        Path missing = dir.resolve("nope/ledger.db");
        Process process = new ProcessBuilder("java", "-jar", Sidecar.jar(), "mcp", "--db", missing.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(stderr).contains("no ledger at " + missing).contains("--create");
        assertThat(missing.getParent()).doesNotExist();
    }

    @Test
    void anAgentCreatedOnFirstUseBySidecarGetsTheTeamsDefaultLimit() {
        Path db = dir.resolve("ledger.db");
        new Cli(db).ok("teams", "set", "default", "--default-agent-daily-limit", "0.75");
        try (Sidecar sidecar = new Sidecar(db, "first-use")) {
            ToolAnswer budget = sidecar.call("check_budget", Map.of());
            assertThat(LedgerContract.dollars(budget.structured().path("daily_limit_usd")))
                    .isEqualByComparingTo("0.75");
        }
    }
}
