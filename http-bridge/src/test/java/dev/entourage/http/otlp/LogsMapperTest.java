package dev.entourage.http.otlp;

import static dev.entourage.http.otlp.Otlp.attributes;
import static dev.entourage.http.otlp.Otlp.claudeCode;
import static dev.entourage.http.otlp.Otlp.logs;
import static dev.entourage.http.otlp.Otlp.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.capture.CapturedError;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log records of Claude Code, Codex and Gemini to captured calls and errors, from protobuf and JSON payloads. */
class LogsMapperTest {
    private static final ExportContext CONTEXT = new ExportContext(null, null, Instant.parse("2026-12-02T03:00:00Z"));

    private static LogsMapper.Result map(ExportLogsServiceRequest request) {
        return LogsMapper.map(request, CONTEXT);
    }

    private static ExportLogsServiceRequest decode(String name) {
        return Otlp.decodeRecorded(name, ExportLogsServiceRequest.newBuilder());
    }

    @Test
    void mapsRealClaudeCodeBatchesToOneCallPerApiRequestWithExactTokensAndItsOwnDollars() {
        List<CapturedCall> calls = new ArrayList<>();
        for (String name : List.of("claude-code-2.1.332-logs-1.bin", "claude-code-2.1.332-logs-2.bin")) {
            LogsMapper.Result result = map(decode(name));
            assertThat(result.rejected()).isZero();
            assertThat(result.errors().records()).isEmpty();
            assertThat(result.records()).isGreaterThan(result.calls().records().size());
            calls.addAll(result.calls().records());
        }

        assertThat(calls).extracting(CapturedCall::eventId).containsExactly("req_standin000010",
                "req_standin000011", "req_standin000012", "req_standin000013", "req_standin000014");
        for (CapturedCall call : calls) {
            assertThat(call.tokens()).isEqualTo(new TokenCounts(1200, 400, 3000, 0, 20000));
            assertThat(call.reportedCostMicros()).isEqualTo(31_800L);
            assertThat(call.model()).isEqualTo("claude-opus-5-5");
            assertThat(call.speed()).isEqualTo("normal");
            assertThat(call.querySource()).isEqualTo("sdk");
            assertThat(call.origin().source()).isEqualTo(CaptureSource.CLAUDE_CODE);
            assertThat(call.origin().agent()).isEqualTo(Ref.name("runaway"));
            assertThat(call.origin().taskName()).isEqualTo("e2e");
            assertThat(call.origin().externalSessionId()).isEqualTo(calls.get(0).origin().externalSessionId())
                    .matches("[0-9a-f-]{36}");
        }
    }

    @Test
    void mapsARealApiErrorFromJson() {
        LogsMapper.Result result = map(decode("claude-code-2.1.332-api-error-logs.json"));

        assertThat(result.rejected()).isZero();
        assertThat(result.calls().records()).extracting(CapturedCall::eventId).containsExactly("req_standin000001");
        assertThat(result.errors().records()).singleElement().satisfies(error -> {
            assertThat(error.error()).isEqualTo("stand-in: scripted error (HTTP 400)");
            assertThat(error.model()).isEqualTo("claude-opus-5-5");
            assertThat(error.occurredAt()).isEqualTo(Instant.parse("2026-12-02T02:05:24.765Z"));
            assertThat(error.origin().externalSessionId()).isEqualTo("951394ff-d2a2-40d1-bd2a-b453780d05df");
        });
    }

    @Test
    void readsTheDocumentedJsonShapeWithIntsAsStringsOrNumbers() {
        String json = """
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}}]},
                 "scopeLogs":[{"scope":{"name":"com.anthropic.claude_code.events"},"logRecords":[
                  {"timeUnixNano":"1790715665248000000","body":{"stringValue":"claude_code.api_request"},
                   "attributes":[
                    {"key":"session.id","value":{"stringValue":"session-1"}},
                    {"key":"event.name","value":{"stringValue":"api_request"}},
                    {"key":"event.timestamp","value":{"stringValue":"2026-09-29T21:01:05.248Z"}},
                    {"key":"model","value":{"stringValue":"claude-haiku-4-5-20251001"}},
                    {"key":"input_tokens","value":{"intValue":10}},{"key":"output_tokens","value":{"intValue":"39"}},
                    {"key":"cache_read_tokens","value":{"intValue":25192}},{"key":"cache_creation_tokens","value":{"intValue":11802}},
                    {"key":"cost_usd","value":{"doubleValue":0.026}},{"key":"request_id","value":{"stringValue":"req_1"}},
                    {"key":"some_future_field","value":{"stringValue":"ignored"}}],
                   "aFutureRecordField": 1}]}]}]}
                """;
        ExportLogsServiceRequest request = OtlpCodec.decode(new OtlpBody(OtlpEncoding.JSON,
                json.getBytes(StandardCharsets.UTF_8)), ExportLogsServiceRequest.newBuilder());

        CapturedCall call = map(request).calls().records().get(0);

        assertThat(call.eventId()).isEqualTo("req_1");
        assertThat(call.tokens()).isEqualTo(new TokenCounts(10, 39, 11802, 0, 25192));
        assertThat(call.reportedCostMicros()).isEqualTo(26_000L);
        assertThat(call.occurredAt()).isEqualTo(Instant.parse("2026-09-29T21:01:05.248Z"));
        assertThat(call.origin().agent()).isNull();
    }

    @Test
    void acceptsNumbersSentAsTextOrDoublesAndConvertsDollarsExactly() {
        LogRecord record = record("claude_code.api_request", "session.id", "s", "event.name", "api_request",
                "input_tokens", "1200", "output_tokens", 400.0, "cache_read_tokens", 7L,
                "cost_usd", "0.0000005", "request_id", "r");

        CapturedCall call = map(logs(claudeCode(null), record)).calls().records().get(0);

        assertThat(call.tokens()).isEqualTo(new TokenCounts(1200, 400, 0, 0, 7));
        assertThat(call.reportedCostMicros()).as("half a micro-dollar rounds up").isEqualTo(1L);
    }

    @Test
    void prefersCostUsdMicrosAndTakesTheOneHourPartOfTheCacheWrite() {
        LogRecord record = record("claude_code.api_request", "session.id", "s", "event.name", "api_request",
                "cache_creation_tokens", 3000, "cache_creation_1h_tokens", 1000, "cost_usd", 9.99,
                "cost_usd_micros", 31800, "request_id", "r");

        CapturedCall call = map(logs(claudeCode(null), record)).calls().records().get(0);

        assertThat(call.reportedCostMicros()).isEqualTo(31_800L);
        assertThat(call.tokens().cacheCreation1h()).isEqualTo(1000);
    }

    @Test
    void theEventIdIsTheRequestIdElseTheClientRequestIdElseAStableDerivedOne() {
        LogRecord client = record("claude_code.api_request", "session.id", "s", "event.name", "api_request",
                "client_request_id", "cli-1", "event.sequence", 4);
        LogRecord bare = record("claude_code.api_request", "session.id", "s", "event.name", "api_request",
                "event.sequence", 5);
        LogRecord other = record("claude_code.api_request", "session.id", "s", "event.name", "api_request",
                "event.sequence", 6);

        List<CapturedCall> first = map(logs(claudeCode(null), client, bare, other)).calls().records();
        List<CapturedCall> again = map(logs(claudeCode(null), client, bare, other)).calls().records();

        assertThat(first.get(0).eventId()).isEqualTo("cli-1");
        assertThat(first.get(1).eventId()).startsWith("claude_code:").isEqualTo(again.get(1).eventId());
        assertThat(first.get(2).eventId()).isNotEqualTo(first.get(1).eventId());
    }

    @Test
    void aRecordItCannotReadIsRejectedNamingTheFieldAndTheOthersAreKept() {
        LogRecord bad = record("claude_code.api_request", "session.id", "s", "event.name", "api_request",
                "input_tokens", "lots", "request_id", "bad");
        LogRecord negative = record("claude_code.api_request", "session.id", "s", "event.name", "api_request",
                "output_tokens", -1, "request_id", "negative");
        LogRecord noSession = record("claude_code.api_request", "event.name", "api_request", "request_id", "x");
        LogRecord good = Otlp.apiRequest("s", "good");

        LogsMapper.Result result = map(logs(claudeCode(null), bad, negative, noSession, good));

        assertThat(result.calls().records()).extracting(CapturedCall::eventId).containsExactly("good");
        assertThat(result.calls().rejections()).containsExactly(
                "log record 0 (claude_code.api_request): input_tokens: must be a number",
                "log record 1 (claude_code.api_request): output_tokens: must not be negative",
                "log record 2 (claude_code.api_request): session.id: is required");
    }

    @Test
    void otherEventsAreAcceptedAndIgnored() {
        LogsMapper.Result result = map(logs(claudeCode(null),
                record("claude_code.tool_result", "session.id", "s", "event.name", "tool_result", "request_id", "r1"),
                record("claude_code.user_prompt", "session.id", "s", "event.name", "user_prompt"),
                record("something else entirely"),
                record("codex.sse_event", "conversation.id", "c", "event.name", "codex.sse_event",
                        "event.kind", "response.output_text.delta")));

        assertThat(result.records()).isEqualTo(4);
        assertThat(result.calls().records()).isEmpty();
        assertThat(result.errors().records()).isEmpty();
        assertThat(result.rejected()).isZero();
    }

    @Test
    void theAgentAndTaskComeFromTheResourceThenTheRecordThenTheHeaders() {
        LogRecord record = Otlp.apiRequest("s", "r");
        ExportContext headers = new ExportContext("from-header", "header-task", CONTEXT.receivedAt());

        assertThat(LogsMapper.map(logs(claudeCode(null), record), headers).calls().records().get(0).origin())
                .satisfies(o -> {
                    assertThat(o.agent()).isEqualTo(Ref.name("from-header"));
                    assertThat(o.taskName()).isEqualTo("header-task");
                });
        assertThat(LogsMapper.map(logs(claudeCode("eng-1"), record), headers).calls().records().get(0).origin()
                .agent()).isEqualTo(Ref.name("eng-1"));
    }

    @Test
    void codexCompletedResponsesArePricedByTokensWithCachedTokensTakenOutOfInput() {
        LogRecord completed = record("codex.sse_event", "event.name", "codex.sse_event",
                "event.kind", "response.completed", "conversation.id", "conv-1", "model", "gpt-5.5",
                "input_token_count", 1000, "output_token_count", 300, "cached_token_count", 600,
                "reasoning_token_count", 200, "tool_token_count", 0);

        LogsMapper.Result result = map(logs(attributes("service.name", "codex_exec"), completed, completed));

        CapturedCall call = result.calls().records().get(0);
        assertThat(call.tokens()).as("reasoning is already part of the output count")
                .isEqualTo(new TokenCounts(400, 300, 0, 0, 600));
        assertThat(call.reportedCostMicros()).isNull();
        assertThat(call.model()).isEqualTo("gpt-5.5");
        assertThat(call.origin().source()).isEqualTo(CaptureSource.CODEX);
        assertThat(call.origin().externalSessionId()).isEqualTo("conv-1");
        assertThat(call.eventId()).startsWith("codex:")
                .isEqualTo(result.calls().records().get(1).eventId());
    }

    @Test
    void geminiResponsesCountThoughtsAsOutputAndCachedTokensAsReads() {
        LogRecord response = record("API response from gemini-3-pro.", "event.name", "gemini_cli.api_response",
                "session.id", "g-1", "model", "gemini-3-pro", "input_token_count", 1000,
                "output_token_count", 100, "cached_content_token_count", 250, "thoughts_token_count", 50,
                "tool_token_count", 10, "total_token_count", 1160);
        LogRecord error = record("API error", "event.name", "gemini_cli.api_error", "session.id", "g-1",
                "model", "gemini-3-pro", "error", "quota exceeded");

        LogsMapper.Result result = map(logs(attributes("service.name", "gemini-cli"), response, error));

        CapturedCall call = result.calls().records().get(0);
        assertThat(call.tokens()).isEqualTo(new TokenCounts(760, 150, 0, 0, 250));
        assertThat(call.tokens().total()).isEqualTo(1160);
        assertThat(call.origin().source()).isEqualTo(CaptureSource.GEMINI);
        assertThat(call.reportedCostMicros()).isNull();
        assertThat(result.errors().records()).extracting(CapturedError::error).containsExactly("quota exceeded");
    }

    @Test
    void cachedTokensAboveInputAreRejected() {
        LogRecord codex = record("codex.sse_event", "event.name", "codex.sse_event", "event.kind",
                "response.completed", "conversation.id", "c", "input_token_count", 10, "cached_token_count", 11);

        assertThat(map(logs(List.of(), codex)).calls().rejections()).singleElement().asString()
                .contains("cached_token_count");
    }

    @Test
    void aRecordWithTooManyAttributesRefusesTheRequest() {
        Object[] pairs = new Object[2 * (Attributes.MAX_ATTRIBUTES + 1)];
        for (int i = 0; i < pairs.length; i += 2) {
            pairs[i] = "k" + i;
            pairs[i + 1] = "v";
        }
        LogRecord huge = record("claude_code.api_request", pairs);

        assertThatThrownBy(() -> map(logs(claudeCode(null), huge)))
                .isInstanceOfSatisfying(OtlpFailure.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
