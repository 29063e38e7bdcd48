package dev.entourage.http;

import static dev.entourage.http.OtlpClient.JSON;
import static dev.entourage.http.OtlpClient.PROTOBUF;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedInputStream;
import dev.entourage.http.otlp.Otlp;
import dev.entourage.ledger.access.Role;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/logs} and {@code /v1/metrics} on a real bridge over a real SQLite file: real Claude Code batches
 * recorded with exact tokens and dollars, once however often they are sent, in protobuf, JSON and gzip; partial
 * success for a record the ledger refuses; hostile bodies refused whole with nothing written.
 */
class OtlpRoutesTest {
    @TempDir
    Path dir;

    private Harness h;
    private OtlpClient otlp;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        otlp = new OtlpClient(h);
        h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"runaway\"}");
        h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"eng-1\"}");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private OtlpClient.Answer logs(byte[] body, String contentType, String... more) {
        String[] headers = new String[4 + more.length];
        headers[0] = "X-API-Key";
        headers[1] = h.adminKey;
        headers[2] = "Content-Type";
        headers[3] = contentType;
        System.arraycopy(more, 0, headers, 4, more.length);
        return otlp.post("/v1/logs", body, headers);
    }

    private JsonNode sessions(String agent) {
        Harness.Answer answer = h.admin("GET", "/api/v1/agents/" + agent + "/sessions", null);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json().get("sessions");
    }

    /** The agent's one session, as {@code GET /agents/{agent}/sessions} shows it. */
    private JsonNode session(String agent) {
        JsonNode sessions = sessions(agent);
        assertThat(sessions).hasSize(1);
        return sessions.get(0);
    }

    private OtlpClient.Answer metrics(String fixture) {
        return otlp.post("/v1/metrics", Otlp.recorded(fixture), "X-API-Key", h.adminKey, "Content-Type",
                fixture.endsWith(".json") ? JSON : PROTOBUF);
    }

    private void assertNothingWritten() {
        assertThat(sessions("runaway")).isEmpty();
        assertThat(sessions("eng-1")).isEmpty();
    }

    private void assertFiveRecordedCalls() {
        JsonNode sessions = sessions("runaway");
        assertThat(sessions).hasSize(1);
        JsonNode session = sessions.get(0);
        assertThat(session.get("input_tokens").asLong()).isEqualTo(5 * 1200);
        assertThat(session.get("output_tokens").asLong()).isEqualTo(5 * 400);
        assertThat(session.get("cache_creation_input_tokens").asLong()).isEqualTo(5 * 3000);
        assertThat(session.get("cache_read_input_tokens").asLong()).isEqualTo(5 * 20000);
        assertThat(session.get("cost_usd").decimalValue()).isEqualByComparingTo("0.159");
    }

    private static String statusMessage(OtlpClient.Answer answer) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(answer.body());
            String message = null;
            for (int tag; (tag = in.readTag()) != 0; ) {
                if (tag == ((2 << 3) | 2)) {
                    message = in.readString();
                } else {
                    in.skipField(tag);
                }
            }
            return message;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void recordsARealClaudeCodeSessionWithItsExactTokensAndDollars() throws Exception {
        for (String batch : new String[] {"claude-code-2.1.332-logs-1.bin", "claude-code-2.1.332-logs-2.bin"}) {
            OtlpClient.Answer answer = logs(Otlp.recorded(batch), PROTOBUF);

            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.contentType()).startsWith(PROTOBUF);
            assertThat(ExportLogsServiceResponse.parseFrom(answer.body()).hasPartialSuccess()).isFalse();
        }

        assertFiveRecordedCalls();
    }

    @Test
    void theSessionIsClaudeCodesOwnAndItsEventsAreChargedAtClaudeCodesDollars() {
        logs(Otlp.recorded("claude-code-2.1.332-logs-1.bin"), PROTOBUF);

        JsonNode session = session("runaway");
        assertThat(session.get("source").asText()).isEqualTo("claude_code");
        assertThat(session.get("external_id").asText()).matches("[0-9a-f-]{36}");
        assertThat(session.get("captured").asBoolean()).isTrue();
        Harness.Answer events = h.admin("GET", "/api/v1/sessions/" + session.get("id").asLong() + "/usage", null);
        assertThat(events.json().get("events")).isNotEmpty().allSatisfy(event -> {
            assertThat(event.get("cost_source").asText()).isEqualTo("reported");
            assertThat(event.get("cost_usd").decimalValue()).isEqualByComparingTo("0.0318");
            assertThat(event.get("priced_cost_usd").isNumber()).isTrue();
            assertThat(event.get("speed").asText()).isEqualTo("normal");
            assertThat(event.get("query_source").asText()).isEqualTo("sdk");
        });
    }

    @Test
    void aResentBatchCountsOnce() {
        for (int i = 0; i < 3; i++) {
            assertThat(logs(Otlp.recorded("claude-code-2.1.332-logs-1.bin"), PROTOBUF).status()).isEqualTo(200);
            assertThat(logs(Otlp.recorded("claude-code-2.1.332-logs-2.bin"), PROTOBUF).status()).isEqualTo(200);
        }

        assertFiveRecordedCalls();
    }

    @Test
    void takesGzipBodies() {
        for (String batch : new String[] {"claude-code-2.1.332-logs-1.bin", "claude-code-2.1.332-logs-2.bin"}) {
            OtlpClient.Answer answer = logs(OtlpClient.gzip(Otlp.recorded(batch)), PROTOBUF,
                    "Content-Encoding", "gzip");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        }

        assertFiveRecordedCalls();
    }

    @Test
    void takesJsonAndAnswersInJson() {
        OtlpClient.Answer answer = logs(Otlp.recorded("claude-code-2.1.332-api-error-logs.json"), JSON);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith(JSON);
        assertThat(answer.text()).isEqualTo("{}");
        JsonNode session = sessions("runaway").get(0);
        assertThat(session.get("input_tokens").asLong()).isEqualTo(1200);
        assertThat(session.get("cost_usd").decimalValue()).isEqualByComparingTo("0.0318");
    }

    @Test
    void anApiErrorIsCountedOnTheSession() {
        logs(Otlp.recorded("claude-code-2.1.332-api-error-logs.json"), JSON);

        JsonNode session = session("runaway");
        assertThat(session.get("api_errors").asLong()).isEqualTo(1);
        assertThat(session.get("external_id").asText()).isEqualTo("951394ff-d2a2-40d1-bd2a-b453780d05df");
    }

    @Test
    void theCostMetricFeedsTheCrossCheckOnceHoweverOftenItIsResent() {
        logs(Otlp.recorded("claude-code-2.1.332-api-error-logs.json"), JSON);
        for (int i = 0; i < 3; i++) {
            OtlpClient.Answer answer = metrics("claude-code-2.1.332-metrics.json");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.text()).isEqualTo("{}");
        }

        JsonNode session = session("runaway");
        assertThat(session.get("metric_cost_usd").decimalValue()).isEqualByComparingTo("0.0318");
        assertThat(session.get("metric_mismatch").asBoolean()).isFalse();
    }

    @Test
    void aWarningForAnAcceptedRecordIsAPartialSuccessRejectingNothing() throws Exception {
        String key = h.key(Role.AGENT, "eng-1");
        LogRecord call = Otlp.apiRequest("s-1", "r-1").toBuilder()
                .addAllAttributes(Otlp.attributes("entourage.task", "a task nobody created")).build();

        OtlpClient.Answer answer = otlp.post("/v1/logs", Otlp.logs(Otlp.claudeCode(null), call).toByteArray(),
                "X-API-Key", key, "Content-Type", PROTOBUF);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        ExportLogsServiceResponse response = ExportLogsServiceResponse.parseFrom(answer.body());
        assertThat(response.getPartialSuccess().getRejectedLogRecords()).isZero();
        assertThat(response.getPartialSuccess().getErrorMessage()).startsWith("Entourage took every record, with warnings: ");
        assertThat(sessions("eng-1")).hasSize(1);
    }

    @Test
    void aRecordForAnotherAgentThanTheKeysIsRejectedAndTheRestRecorded() throws Exception {
        String key = h.key(Role.AGENT, "eng-1");
        ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(Otlp.logs(Otlp.claudeCode("eng-1"), Otlp.apiRequest("s-1", "mine"))
                        .getResourceLogs(0))
                .addResourceLogs(Otlp.logs(Otlp.claudeCode("runaway"), Otlp.apiRequest("s-2", "not-mine"))
                        .getResourceLogs(0))
                .build();

        OtlpClient.Answer answer = otlp.post("/v1/logs", request.toByteArray(), "Authorization", "Bearer " + key,
                "Content-Type", PROTOBUF);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        ExportLogsServiceResponse response = ExportLogsServiceResponse.parseFrom(answer.body());
        assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
        assertThat(response.getPartialSuccess().getErrorMessage()).startsWith("Entourage rejected 1 record: ");
        assertThat(sessions("eng-1")).hasSize(1);
        assertThat(sessions("eng-1").get(0).get("input_tokens").asLong()).isEqualTo(1200);
        assertThat(sessions("runaway")).isEmpty();
    }

    @Test
    void aRecordWithoutTheAgentForAnAdminKeyIsRejectedWithTheReason() throws Exception {
        OtlpClient.Answer answer = logs(Otlp.logs(Otlp.claudeCode(null), Otlp.apiRequest("s", "r")).toByteArray(),
                PROTOBUF);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        ExportLogsServiceResponse response = ExportLogsServiceResponse.parseFrom(answer.body());
        assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
        assertNothingWritten();
    }

    @Test
    void aPartialSuccessInJsonIsOtlpJson() throws Exception {
        String json = com.google.protobuf.util.JsonFormat.printer().print(
                Otlp.logs(Otlp.claudeCode(null), Otlp.apiRequest("s", "r")));

        OtlpClient.Answer answer = logs(json.getBytes(StandardCharsets.UTF_8), JSON);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith(JSON);
        JsonNode partial = dev.entourage.http.json.Json.mapper().readTree(answer.body()).get("partialSuccess");
        assertThat(partial.get("rejectedLogRecords").asLong()).isEqualTo(1);
        assertThat(partial.get("errorMessage").asText()).contains("entourage.agent: is required");
    }

    @Test
    void theAgentMayComeFromAHeader() {
        OtlpClient.Answer answer = logs(Otlp.logs(Otlp.claudeCode(null), Otlp.apiRequest("s", "r")).toByteArray(),
                PROTOBUF, "X-Entourage-Agent", "eng-1");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.body()).isEmpty();
        assertThat(sessions("eng-1")).hasSize(1);
    }

    @Test
    void aTruncatedProtobufIs400WithAStatusAndNothingWritten() {
        byte[] real = Otlp.recorded("claude-code-2.1.332-logs-1.bin");

        OtlpClient.Answer answer = logs(Arrays.copyOf(real, real.length / 2), PROTOBUF);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith(PROTOBUF);
        assertThat(statusMessage(answer)).contains("not a valid protobuf-encoded OTLP export request");
        assertNothingWritten();
    }

    @Test
    void wrongTypesInJsonAre400WithAJsonStatus() {
        for (String body : new String[] {"{\"resourceLogs\": \"nope\"}",
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"soon\"}]}]}]}",
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"attributes\":[{\"key\":\"input_tokens\","
                        + "\"value\":{\"intValue\":{\"no\":1}}}]}]}]}]}",
                "[1, 2", "\u00ff\u00fe"}) {
            OtlpClient.Answer answer = logs(body.getBytes(StandardCharsets.ISO_8859_1), JSON);

            assertThat(answer.status()).as(body + " → " + answer).isEqualTo(400);
            assertThat(answer.contentType()).startsWith(JSON);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).startsWith("{\"code\":3,\"message\":");
        }
        assertThat(logs(new byte[] {(byte) 0xff, (byte) 0xfe}, JSON).text()).contains("is not valid UTF-8");
        assertNothingWritten();
    }

    @Test
    void deeplyNestedBodiesAre400NotACrash() {
        String deepJson = "{\"resourceLogs\":[{\"x\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}]}";
        OtlpClient.Answer json = logs(deepJson.getBytes(StandardCharsets.UTF_8), JSON);
        String deepAnyValue = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":"
                + "{\"arrayValue\":{\"values\":[".repeat(5_000) + "]}}".repeat(5_000) + "}]}]}]}";
        OtlpClient.Answer any = logs(deepAnyValue.getBytes(StandardCharsets.UTF_8), JSON);
        assertThat(any.status()).as(any.toString()).isEqualTo(400);
        io.opentelemetry.proto.common.v1.AnyValue value = Otlp.value("leaf");
        for (int i = 0; i < 200; i++) {
            value = io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setKvlistValue(
                    io.opentelemetry.proto.common.v1.KeyValueList.newBuilder().addValues(
                            io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("k").setValue(value))).build();
        }
        LogRecord deep = Otlp.apiRequest("s", "r").toBuilder().addAttributes(
                io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("nested").setValue(value)).build();
        OtlpClient.Answer proto = logs(Otlp.logs(Otlp.claudeCode("runaway"), deep).toByteArray(), PROTOBUF);

        assertThat(json.status()).as(json.toString()).isEqualTo(400);
        assertThat(proto.status()).as(proto.toString()).isEqualTo(400);
        assertNothingWritten();
    }

    @Test
    void anAbsurdTimestampFallsBackOnTheRecordsTime() {
        LogRecord call = Otlp.apiRequest("s", "r").toBuilder()
                .addAllAttributes(Otlp.attributes("event.timestamp", "+999999999-12-31T23:59:59Z")).build();

        OtlpClient.Answer answer = logs(Otlp.logs(Otlp.claudeCode("runaway"), call).toByteArray(), PROTOBUF);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(sessions("runaway")).hasSize(1);
    }

    @Test
    void anotherContentTypeIs415() {
        OtlpClient.Answer answer = logs(Otlp.recorded("claude-code-2.1.332-logs-1.bin"), "text/plain");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(415);
        assertThat(logs(new byte[] {1}, PROTOBUF, "Content-Encoding", "br").status()).isEqualTo(415);
        assertNothingWritten();
    }

    @Test
    void aRefusedExportOfAnExportsSizeIsReadAndTheConnectionKeptForTheNextOne() throws Exception {
        java.net.URI uri = h.uri("/v1/logs");
        byte[] body = new byte[64 * 1024];
        String head = "POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + h.adminKey
                + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 2; i++) {
                out.write(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                assertThat(in.readLine()).as("answer %d", i).startsWith("HTTP/1.1 415");
                long length = -1;
                for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                    assertThat(line.toLowerCase(java.util.Locale.ROOT)).doesNotStartWith("connection: close");
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Long.parseLong(line.substring(15).strip());
                    }
                }
                assertThat(length).isPositive();
                assertThat(in.skip(length)).isEqualTo(length);
            }
        }
        assertNothingWritten();
    }

    @Test
    void aHugeRepeatedFieldIsRefusedWhole() {
        ScopeLogs.Builder scope = ScopeLogs.newBuilder();
        scope.addLogRecords(Otlp.apiRequest("s", "r").toBuilder().addAllAttributes(Otlp.attributes(
                "entourage.agent", "runaway")));
        for (int i = 0; i < 20_000; i++) {
            scope.addLogRecords(LogRecord.getDefaultInstance());
        }
        byte[] body = ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope)).build().toByteArray();

        OtlpClient.Answer answer = logs(body, PROTOBUF);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(statusMessage(answer)).contains("more than 10000 log records");
        assertNothingWritten();
    }

    @Test
    void aGzipBombStopsAtTheDecodedCapWith413() {
        byte[] bomb = OtlpClient.gzip(new byte[5 << 20]);
        assertThat(bomb.length).isLessThan(HttpBridge.MAX_BODY_BYTES);

        OtlpClient.Answer answer = logs(bomb, PROTOBUF, "Content-Encoding", "gzip");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(413);
        assertThat(statusMessage(answer)).contains("once gunzipped");
        assertThat(logs("not gzip".getBytes(StandardCharsets.UTF_8), PROTOBUF, "Content-Encoding", "gzip").status())
                .isEqualTo(400);
        assertNothingWritten();
    }

    @Test
    void aBodyOverTheWireCapIs413() {
        OtlpClient.Answer answer = logs(new byte[HttpBridge.MAX_BODY_BYTES + 1], PROTOBUF);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(413);
        assertNothingWritten();
    }

    @Test
    void credentialsAreCheckedLikeEveryRoute() {
        byte[] body = Otlp.recorded("claude-code-2.1.332-logs-1.bin");
        // The 401 comes without the body read and the connection closed: a client still sending 30 KB may see the
        // reset before the answer, so the request without credentials carries a small export.
        byte[] small = Otlp.logs(Otlp.claudeCode(null)).toByteArray();

        assertThat(otlp.post("/v1/logs", small, "Content-Type", PROTOBUF).status()).isEqualTo(401);
        assertThat(otlp.post("/v1/logs", body, "Content-Type", PROTOBUF, "X-API-Key", h.key(Role.VIEWER, null))
                .status()).isEqualTo(403);
        assertThat(h.admin("GET", "/v1/logs", null).status()).isEqualTo(405);
        assertNothingWritten();
    }

    @Test
    void exportsHaveTheCaptureBucketOfTenTimesTheRestLimit(@TempDir Path other) {
        try (Harness limited = Harness.start(other, new BridgeConfig("127.0.0.1", 0, 2, false), java.util.Map.of())) {
            OtlpClient client = new OtlpClient(limited);
            byte[] body = Otlp.logs(Otlp.claudeCode(null)).toByteArray();
            OtlpClient.Answer first = client.post("/v1/logs", body, "X-API-Key", limited.adminKey,
                    "Content-Type", PROTOBUF);
            for (int i = 1; i < 20; i++) {
                client.post("/v1/metrics", body, "X-API-Key", limited.adminKey, "Content-Type", PROTOBUF);
            }
            OtlpClient.Answer refused = client.post("/v1/logs", body, "X-API-Key", limited.adminKey,
                    "Content-Type", PROTOBUF);

            assertThat(first.status()).as(first.toString()).isEqualTo(200);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
        }
    }

    @Test
    void metricsAreAcceptedInBothEncodings() {
        OtlpClient.Answer json = metrics("claude-code-2.1.332-metrics.json");
        OtlpClient.Answer proto = metrics("claude-code-2.1.332-metrics-1.bin");

        assertThat(json.status()).as(json.toString()).isEqualTo(200);
        assertThat(json.text()).isEqualTo("{}");
        assertThat(proto.status()).as(proto.toString()).isEqualTo(200);
        assertThat(proto.body()).isEmpty();
    }
}
