package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client may write on the sidecar's stdin, as a real process: requests the SDK cannot read, a line too
 * long to hold, and a burst of requests followed at once by end of input. The sidecar answers every line,
 * keeps serving, records what it was told, exits on end of input and logs no warning or error doing so.
 */
class StdioLinesIT {
    private static final String[] SIDECAR_FLAGS = {"-Xss512k", "-Xms8m", "-Xmx64m", "-XX:-UsePerfData"};

    @TempDir
    Path dir;

    @Test
    void aRequestWhoseIdIsNotAStringOrIntegerIsRefusedAndTheSidecarGoesOn() throws Exception {
        Path db = dir.resolve("ledger.db");
        try (StdioProcess sidecar = new StdioProcess(db, "eng-1", SIDECAR_FLAGS)) {
            sidecar.send(StdioProcess.INITIALIZE, StdioProcess.INITIALIZED);
            sidecar.awaitAnswer(1);
            long next = 100;
            for (String id : List.of("null", "true", "1.5", "{\"a\":1}", "[1]")) {
                sidecar.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
                sidecar.send("{\"jsonrpc\":\"2.0\",\"id\":" + next + ",\"method\":\"ping\"}");
                assertThat(sidecar.awaitAnswer(next).has("result")).as("ping after id " + id).isTrue();
                next++;
            }
            sidecar.send(call(2, "start_session", "{\"model\":\"claude-sonnet-4-20250514\"}"),
                    call(3, "report_usage", "{\"input_tokens\":1000,\"output_tokens\":100,\"event_id\":\"e-1\"}"));
            assertThat(sidecar.awaitAnswer(3).path("result").path("isError").asBoolean()).isFalse();
            assertThat(sidecar.closeStdinAndAwaitExit(10)).as("exits after stdin closes").isTrue();
            assertThat(sidecar.exitValue()).isZero();

            List<JsonNode> refusals = sidecar.messages().stream()
                    .filter(m -> m.path("error").path("code").asInt() == -32600).toList();
            assertThat(refusals).hasSize(5).allSatisfy(m -> {
                assertThat(m.has("id")).isTrue();
                assertThat(m.get("id").isNull()).isTrue();
            });
            assertThat(sidecar.stderr()).doesNotContain(" ERROR ").doesNotContain(" WARN ");
        }
        JsonNode sessions = LedgerContract.parse(new Cli(db).output("sessions", "eng-1", "--format", "json"));
        assertThat(sessions.path("sessions").get(0).path("input_tokens").asLong()).isEqualTo(1000);
    }

    @Test
    void aLineOverOneMebibyteIsRefusedWithoutHoldingItAndTheSidecarGoesOn() throws Exception {
        try (StdioProcess sidecar = new StdioProcess(dir.resolve("ledger.db"), "eng-2", SIDECAR_FLAGS)) {
            sidecar.send(StdioProcess.INITIALIZE, StdioProcess.INITIALIZED);
            sidecar.awaitAnswer(1);
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'a');
            byte[] start = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":{\"x\":\""
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(sidecar.sendRepeated(start, 1, 10)).isTrue();
            assertThat(sidecar.sendRepeated(chunk, 30, 120)).as("the sidecar reads a 30 MB line through").isTrue();
            sidecar.send("\"}}", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
            assertThat(sidecar.awaitAnswer(3).has("result")).isTrue();
            assertThat(sidecar.messages()).anySatisfy(m -> {
                assertThat(m.path("error").path("code").asInt()).isEqualTo(-32600);
                assertThat(m.get("id").isNull()).isTrue();
            });
            assertThat(sidecar.messages()).noneSatisfy(m -> assertThat(m.path("id").asInt()).isEqualTo(2));
            assertThat(sidecar.closeStdinAndAwaitExit(10)).as("exits after stdin closes").isTrue();
            assertThat(sidecar.exitValue()).isZero();
            assertThat(sidecar.stderr()).doesNotContain("OutOfMemoryError").doesNotContain(" ERROR ");
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aClientThatWritesItsRequestsAndClosesStdinGetsEveryAnswer() throws Exception {
        int requests = 12;
        for (int run = 0; run < 20; run++) {
            Path db = dir.resolve("ledger-" + run + ".db");
            List<String> burst = new ArrayList<>(List.of(StdioProcess.INITIALIZE, StdioProcess.INITIALIZED,
                    call(2, "start_session", "{\"model\":\"claude-sonnet-4-20250514\"}")));
            for (int i = 3; i < requests; i++) {
                burst.add(call(i, "report_usage",
                        "{\"input_tokens\":10,\"output_tokens\":1,\"event_id\":\"e-" + i + "\"}"));
            }
            burst.add(call(requests, "check_budget", "{}"));
            try (StdioProcess sidecar = new StdioProcess(db, "eng-3", SIDECAR_FLAGS)) {
                sidecar.send(burst.toArray(String[]::new));
                assertThat(sidecar.closeStdinAndAwaitExit(30)).as("run " + run + " exits").isTrue();
                Set<Long> answered = sidecar.messages().stream().filter(m -> m.has("result"))
                        .map(m -> m.path("id").asLong()).collect(Collectors.toSet());
                assertThat(answered).as("run " + run + ": answers").hasSize(requests);
                assertThat(sidecar.exitValue()).isZero();
                assertThat(sidecar.stderr()).as("run " + run + ": stderr")
                        .doesNotContain(" ERROR ").doesNotContain(" WARN ");
            }
        }
    }

    private static String call(long id, String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}";
    }
}
