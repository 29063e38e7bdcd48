package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stdio sidecar loads nothing of the bridge's OTLP receiver (protobuf, the OTLP classes) nor Jetty: they are in
 * the jar for {@code entourage serve} only, and a sidecar started by every agent should not pay for them.
 */
class SidecarClassesIT {
    @TempDir
    Path dir;

    @Test
    void theSidecarLoadsNeitherProtobufNorTheOtlpReceiverNorJetty() throws Exception {
        Path classes = dir.resolve("classes.txt");
        try (StdioProcess sidecar = new StdioProcess(dir.resolve("ledger.db"), "eng-1",
                "-Xlog:class+load=info:file=" + classes)) {
            sidecar.send(StdioProcess.INITIALIZE, StdioProcess.INITIALIZED,
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"start_session\","
                            + "\"arguments\":{}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"report_usage\","
                            + "\"arguments\":{\"input_tokens\":10,\"output_tokens\":2}}}");
            assertThat(sidecar.awaitAnswer(3).path("result").path("isError").asBoolean()).isFalse();
            assertThat(sidecar.closeStdinAndAwaitExit(30)).isTrue();
        }

        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).anyMatch(line -> line.contains("dev.entourage.mcp."));
        assertThat(loaded).noneMatch(line -> line.contains("com.google.protobuf.")
                || line.contains("io.opentelemetry.") || line.contains("dev.entourage.http.otlp.")
                || line.contains("org.eclipse.jetty."));
    }
}
