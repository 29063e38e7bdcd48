package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry Java SDK's real OTLP/HTTP exporters (protobuf, as Claude Code's {@code http/protobuf}) sending
 * {@code api_request}-shaped events and the cost counter to a real bridge: the calls land with their exact tokens
 * and dollars, once, and the exporter sees every export succeed.
 */
class OtlpExporterTest {
    private static final Resource CLAUDE_CODE = Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "claude-code",
            AttributeKey.stringKey("entourage.agent"), "runaway",
            AttributeKey.stringKey("entourage.task"), "exporter-test"));

    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"runaway\"}");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static void emitApiRequest(Logger logger, String requestId) {
        logger.logRecordBuilder()
                .setBody("claude_code.api_request")
                .setAttribute(AttributeKey.stringKey("session.id"), "sdk-session-1")
                .setAttribute(AttributeKey.stringKey("event.name"), "api_request")
                .setAttribute(AttributeKey.stringKey("event.timestamp"), "2026-12-02T02:05:24.338Z")
                .setAttribute(AttributeKey.stringKey("model"), "claude-opus-5-5")
                .setAttribute(AttributeKey.longKey("input_tokens"), 1200L)
                .setAttribute(AttributeKey.longKey("output_tokens"), 400L)
                .setAttribute(AttributeKey.longKey("cache_read_tokens"), 20000L)
                .setAttribute(AttributeKey.longKey("cache_creation_tokens"), 3000L)
                .setAttribute(AttributeKey.doubleKey("cost_usd"), 0.031799999999999995)
                .setAttribute(AttributeKey.longKey("cost_usd_micros"), 31800L)
                .setAttribute(AttributeKey.stringKey("request_id"), requestId)
                .emit();
    }

    /** The SDK's exporter, keeping the result of each export it made (a batch processor's flush does not say). */
    private static final class Watched implements LogRecordExporter {
        private final LogRecordExporter exporter;
        final List<CompletableResultCode> results = new CopyOnWriteArrayList<>();

        Watched(LogRecordExporter exporter) {
            this.exporter = exporter;
        }

        @Override
        public CompletableResultCode export(Collection<LogRecordData> logs) {
            CompletableResultCode result = exporter.export(logs);
            results.add(result);
            return result;
        }

        @Override
        public CompletableResultCode flush() {
            return exporter.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return exporter.shutdown();
        }
    }

    @Test
    void theSdksLogExporterRecordsEachCallOnceWithItsExactTokensAndDollars() {
        for (String compression : new String[] {"none", "gzip"}) {
            Watched exporter = new Watched(OtlpHttpLogRecordExporter.builder()
                    .setEndpoint(h.uri("/v1/logs").toString())
                    .addHeader("Authorization", "Bearer " + h.adminKey)
                    .setCompression(compression)
                    .build());
            SdkLoggerProvider provider = SdkLoggerProvider.builder().setResource(CLAUDE_CODE)
                    .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter).build()).build();
            Logger logger = provider.get("com.anthropic.claude_code.events");
            for (int i = 1; i <= 3; i++) {
                emitApiRequest(logger, "req_sdk_" + i);
            }
            provider.forceFlush().join(30, TimeUnit.SECONDS);
            provider.shutdown().join(30, TimeUnit.SECONDS);
            assertThat(exporter.results).as("exports with " + compression).isNotEmpty()
                    .allSatisfy(result -> assertThat(result.join(30, TimeUnit.SECONDS).isSuccess()).isTrue());
        }

        JsonNode sessions = h.admin("GET", "/api/v1/agents/runaway/sessions", null).json().get("sessions");
        assertThat(sessions).hasSize(1);
        JsonNode session = sessions.get(0);
        assertThat(session.get("input_tokens").asLong()).isEqualTo(3 * 1200);
        assertThat(session.get("output_tokens").asLong()).isEqualTo(3 * 400);
        assertThat(session.get("cache_read_input_tokens").asLong()).isEqualTo(3 * 20000);
        assertThat(session.get("cache_creation_input_tokens").asLong()).isEqualTo(3 * 3000);
        assertThat(session.get("cost_usd").decimalValue()).isEqualByComparingTo("0.0954");
    }

    @Test
    void theSdksMetricExporterFeedsTheCrossCheck() {
        OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
                .setEndpoint(h.uri("/v1/metrics").toString())
                .addHeader("X-API-Key", h.adminKey)
                .setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred())
                .build();
        SdkMeterProvider provider = SdkMeterProvider.builder().setResource(CLAUDE_CODE)
                .registerMetricReader(PeriodicMetricReader.builder(exporter).build()).build();
        provider.get("com.anthropic.claude_code").counterBuilder("claude_code.cost.usage").setUnit("USD")
                .ofDoubles().build().add(0.0318, Attributes.of(AttributeKey.stringKey("session.id"), "sdk-session-1",
                        AttributeKey.stringKey("model"), "claude-opus-5-5"));

        CompletableResultCode flushed = provider.forceFlush().join(30, TimeUnit.SECONDS);

        assertThat(flushed.isSuccess()).isTrue();
        provider.shutdown().join(30, TimeUnit.SECONDS);
        JsonNode session = h.admin("GET", "/api/v1/agents/runaway/sessions", null).json().get("sessions").get(0);
        assertThat(session.get("metric_cost_usd").decimalValue()).isEqualByComparingTo("0.0318");
    }
}
