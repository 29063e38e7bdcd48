package dev.entourage.http.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/** OTLP messages for tests, in the documented shapes of each agent's events. */
public final class Otlp {
    public static final Instant AT = Instant.parse("2026-12-02T02:05:24.338Z");

    private Otlp() {
    }

    /** Attributes from key, value pairs: a value is a String, Long, Integer, Double or Boolean. */
    public static List<KeyValue> attributes(Object... pairs) {
        List<KeyValue> out = new java.util.ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.add(KeyValue.newBuilder().setKey((String) pairs[i]).setValue(value(pairs[i + 1])).build());
        }
        return out;
    }

    public static AnyValue value(Object v) {
        AnyValue.Builder b = AnyValue.newBuilder();
        if (v instanceof String s) {
            b.setStringValue(s);
        } else if (v instanceof Integer n) {
            b.setIntValue(n);
        } else if (v instanceof Long n) {
            b.setIntValue(n);
        } else if (v instanceof Double d) {
            b.setDoubleValue(d);
        } else if (v instanceof Boolean z) {
            b.setBoolValue(z);
        } else {
            throw new IllegalArgumentException(String.valueOf(v));
        }
        return b.build();
    }

    public static LogRecord record(String body, Object... attributes) {
        long nanos = AT.getEpochSecond() * 1_000_000_000L + AT.getNano();
        return LogRecord.newBuilder().setTimeUnixNano(nanos).setObservedTimeUnixNano(nanos)
                .setBody(AnyValue.newBuilder().setStringValue(body)).addAllAttributes(attributes(attributes)).build();
    }

    /** A Claude Code {@code api_request} as 2.1.332 sends it (the stand-in's usage: $0.0318). */
    public static LogRecord apiRequest(String session, String requestId) {
        return record("claude_code.api_request", "session.id", session, "event.name", "api_request",
                "event.timestamp", "2026-12-02T02:05:24.338Z", "event.sequence", 18, "model", "claude-opus-5-5",
                "input_tokens", 1200, "output_tokens", 400, "cache_read_tokens", 20000, "cache_creation_tokens", 3000,
                "cache_creation_5m_tokens", 3000, "cache_creation_1h_tokens", 0, "cost_usd", 0.031799999999999995,
                "cost_usd_micros", 31800, "request_id", requestId, "speed", "normal", "query_source", "sdk");
    }

    public static ExportLogsServiceRequest logs(List<KeyValue> resource, LogRecord... records) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAllAttributes(resource))
                .addScopeLogs(ScopeLogs.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("com.anthropic.claude_code.events"))
                        .addAllLogRecords(List.of(records)))).build();
    }

    public static List<KeyValue> claudeCode(String agent) {
        return agent == null ? attributes("service.name", "claude-code", "service.version", "2.1.332")
                : attributes("service.name", "claude-code", "service.version", "2.1.332", "entourage.agent", agent);
    }

    public static NumberDataPoint costPoint(String session, double dollars, long start, long end, Object... more) {
        List<KeyValue> attributes = new java.util.ArrayList<>(attributes("session.id", session, "model",
                "claude-opus-5-5", "query_source", "main"));
        attributes.addAll(attributes(more));
        return NumberDataPoint.newBuilder().setAsDouble(dollars).setStartTimeUnixNano(start).setTimeUnixNano(end)
                .addAllAttributes(attributes).build();
    }

    public static ExportMetricsServiceRequest metrics(List<KeyValue> resource, AggregationTemporality temporality,
                                               String name, NumberDataPoint... points) {
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAllAttributes(resource))
                .addScopeMetrics(ScopeMetrics.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("com.anthropic.claude_code"))
                        .addMetrics(Metric.newBuilder().setName(name).setUnit("USD").setSum(Sum.newBuilder()
                                .setAggregationTemporality(temporality).setIsMonotonic(true)
                                .addAllDataPoints(List.of(points)))))).build();
    }

    /** A recorded payload decoded as {@code builder}'s message (its encoding told by the name's ending). */
    static <M extends com.google.protobuf.Message> M decodeRecorded(String name,
                                                                     com.google.protobuf.Message.Builder builder) {
        OtlpEncoding encoding = name.endsWith(".json") ? OtlpEncoding.JSON : OtlpEncoding.PROTOBUF;
        return OtlpCodec.decode(new OtlpBody(encoding, recorded(name)), builder);
    }

    /** A recorded payload under {@code src/test/resources/otlp/}. */
    public static byte[] recorded(String name) {
        try (InputStream in = Otlp.class.getResourceAsStream("/otlp/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
