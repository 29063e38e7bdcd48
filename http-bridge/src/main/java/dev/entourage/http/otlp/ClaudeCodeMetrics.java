package dev.entourage.http.otlp;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.MetricPoint;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Set;

/**
 * Claude Code's {@code claude_code.cost.usage} counter as {@link MetricPoint}s for the cross-check against the
 * captured events (never charged). Every other metric, {@code claude_code.token.usage} among them, is accepted and
 * ignored: the events carry the exact tokens, and the dollars are what the cross-check compares.
 *
 * <p>A delta point (Claude Code's default temporality) is the cost of one export interval; exporters re-send a
 * batch they did not see answered, so each delta point is its own series, keyed by its attributes and its interval
 * ({@code start_time_unix_nano}, {@code time_unix_nano}), whose value a re-sent point replaces rather than adds to.
 * A cumulative point replaces its series' running total; its series is keyed by its attributes and its start time
 * (a restarted process starts a new series, which adds to the old one).
 */
final class ClaudeCodeMetrics {
    static final String COST_USAGE = "claude_code.cost.usage";
    /** The most data points one request may carry. */
    static final int MAX_POINTS = 10_000;
    private static final String SESSION = "session.id";
    private static final Set<String> NOT_SERIES = Set.of(SESSION, LogEvent.AGENT_ATTRIBUTE, LogEvent.TASK_ATTRIBUTE);

    private ClaudeCodeMetrics() {
    }

    /** The cost points of the request, and a reason for each one refused. {@code points} counts all points. */
    record Result(Mapped<MetricPoint> cost, int points) {
    }

    static Result map(ExportMetricsServiceRequest request, ExportContext context) {
        Mapped<MetricPoint> cost = new Mapped<>();
        int index = 0;
        for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
            Attributes resource = Attributes.of(resourceMetrics.getResource().getAttributesList());
            for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
                for (Metric metric : scopeMetrics.getMetricsList()) {
                    boolean wanted = metric.getName().equals(COST_USAGE) && metric.hasSum();
                    for (NumberDataPoint point : metric.getSum().getDataPointsList()) {
                        if (index++ == MAX_POINTS) {
                            throw OtlpFailure.badRequest("the request has more than " + MAX_POINTS
                                    + " data points; send smaller batches");
                        }
                        if (wanted) {
                            mapOne(metric.getSum().getAggregationTemporality(), point, resource, context, index - 1,
                                    cost);
                        }
                    }
                    index += pointsOutsideSums(metric);
                    if (index > MAX_POINTS) {
                        throw OtlpFailure.badRequest("the request has more than " + MAX_POINTS
                                + " data points; send smaller batches");
                    }
                }
            }
        }
        return new Result(cost, index);
    }

    private static int pointsOutsideSums(Metric metric) {
        return metric.getGauge().getDataPointsCount() + metric.getHistogram().getDataPointsCount()
                + metric.getExponentialHistogram().getDataPointsCount() + metric.getSummary().getDataPointsCount();
    }

    private static void mapOne(AggregationTemporality temporality, NumberDataPoint point, Attributes resource,
                               ExportContext context, int index, Mapped<MetricPoint> cost) {
        try {
            Attributes own = Attributes.of(point.getAttributesList());
            String session = own.text(SESSION) != null ? own.text(SESSION) : resource.text(SESSION);
            if (session == null) {
                throw new Rejected(SESSION + ": is required (keep OTEL_METRICS_INCLUDE_SESSION_ID on)");
            }
            BigDecimal dollars = switch (point.getValueCase()) {
                case AS_DOUBLE -> {
                    if (!Double.isFinite(point.getAsDouble())) {
                        throw new Rejected("as_double: must be a finite number");
                    }
                    yield BigDecimal.valueOf(point.getAsDouble());
                }
                case AS_INT -> BigDecimal.valueOf(point.getAsInt());
                default -> throw new Rejected("value: is required");
            };
            long micros = Attributes.micros("value", dollars);
            String agent = firstText(resource, own, LogEvent.AGENT_ATTRIBUTE, context.agentHeader());
            String task = firstText(resource, own, LogEvent.TASK_ATTRIBUTE, context.taskHeader());
            CaptureOrigin origin = new CaptureOrigin(CaptureSource.CLAUDE_CODE, session,
                    agent == null ? null : Ref.parse(agent), task);
            boolean cumulative = temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
            String series = own.key(NOT_SERIES) + "@" + point.getStartTimeUnixNano()
                    + (cumulative ? "" : "-" + point.getTimeUnixNano());
            Instant at = point.getTimeUnixNano() != 0 ? Instant.ofEpochSecond(0, point.getTimeUnixNano())
                    : context.receivedAt();
            cost.add(new MetricPoint(origin, series, micros, true, at));
        } catch (Rejected | LedgerException e) {
            cost.reject("data point " + index + " (" + COST_USAGE + "): " + e.getMessage());
        }
    }

    private static String firstText(Attributes resource, Attributes own, String key, String fallback) {
        String text = resource.text(key);
        if (text == null) {
            text = own.text(key);
        }
        return text == null && fallback != null && !fallback.isBlank() ? fallback.strip() : text;
    }
}
