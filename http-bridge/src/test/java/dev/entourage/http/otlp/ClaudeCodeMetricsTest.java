package dev.entourage.http.otlp;

import static dev.entourage.http.otlp.Otlp.claudeCode;
import static dev.entourage.http.otlp.Otlp.costPoint;
import static dev.entourage.http.otlp.Otlp.metrics;
import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.capture.MetricPoint;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code claude_code.cost.usage} points to metric points for the cross-check; every other metric ignored. */
class ClaudeCodeMetricsTest {
    private static final ExportContext CONTEXT = new ExportContext(null, null, Instant.parse("2026-12-02T03:00:00Z"));
    private static final AggregationTemporality DELTA = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    private static final AggregationTemporality CUMULATIVE = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;

    private static ClaudeCodeMetrics.Result map(ExportMetricsServiceRequest request) {
        return ClaudeCodeMetrics.map(request, CONTEXT);
    }

    private static ExportMetricsServiceRequest decode(String name) {
        return Otlp.decodeRecorded(name, ExportMetricsServiceRequest.newBuilder());
    }

    @Test
    void mapsTheRealCostCounterAndIgnoresTheOtherMetrics() {
        ClaudeCodeMetrics.Result result = map(decode("claude-code-2.1.332-metrics.json"));

        assertThat(result.points()).isGreaterThan(1);
        assertThat(result.cost().rejections()).isEmpty();
        MetricPoint point = result.cost().records().get(0);
        assertThat(result.cost().records()).hasSize(1);
        assertThat(point.costMicros()).isEqualTo(31_800L);
        assertThat(point.origin().externalSessionId()).isEqualTo("951394ff-d2a2-40d1-bd2a-b453780d05df");
        assertThat(point.origin().agent()).isEqualTo(Ref.name("runaway"));
        assertThat(point.origin().taskName()).isEqualTo("e2e");
        assertThat(point.at()).isEqualTo(Instant.ofEpochSecond(0, 1796177124787000000L));
        assertThat(point.seriesKey()).contains("model=claude-opus-5-5").contains("query_source=main")
                .doesNotContain("session.id").doesNotContain("entourage.");
    }

    @Test
    void mapsTheRealProtobufExport() {
        ClaudeCodeMetrics.Result result = map(decode("claude-code-2.1.332-metrics-1.bin"));

        assertThat(result.cost().rejections()).isEmpty();
        assertThat(result.cost().records()).isNotEmpty().allSatisfy(p -> assertThat(p.costMicros()).isPositive());
    }

    @Test
    void aDeltaPointIsItsOwnSeriesSoAResentPointReplacesInsteadOfAdding() {
        List<MetricPoint> first = map(metrics(claudeCode(null), DELTA, ClaudeCodeMetrics.COST_USAGE,
                costPoint("s", 0.5, 100, 200), costPoint("s", 0.25, 200, 300))).cost().records();
        List<MetricPoint> resent = map(metrics(claudeCode(null), DELTA, ClaudeCodeMetrics.COST_USAGE,
                costPoint("s", 0.5, 100, 200))).cost().records();

        assertThat(first).extracting(MetricPoint::costMicros).containsExactly(500_000L, 250_000L);
        assertThat(first).allSatisfy(p -> assertThat(p.cumulative()).isTrue());
        assertThat(first.get(0).seriesKey()).isNotEqualTo(first.get(1).seriesKey());
        assertThat(resent.get(0).seriesKey()).isEqualTo(first.get(0).seriesKey());
    }

    @Test
    void aCumulativePointReplacesItsSeriesWhichItsStartTimeKeys() {
        List<MetricPoint> points = map(metrics(claudeCode(null), CUMULATIVE, ClaudeCodeMetrics.COST_USAGE,
                costPoint("s", 0.5, 100, 200), costPoint("s", 0.75, 100, 300), costPoint("s", 0.1, 400, 500)))
                .cost().records();

        assertThat(points).allSatisfy(p -> assertThat(p.cumulative()).isTrue());
        assertThat(points.get(0).seriesKey()).isEqualTo(points.get(1).seriesKey());
        assertThat(points.get(2).seriesKey()).as("a restarted process").isNotEqualTo(points.get(0).seriesKey());
    }

    @Test
    void otherMetricsAreIgnoredAndAPointWithoutSessionIsRejected() {
        ClaudeCodeMetrics.Result tokens = map(metrics(claudeCode(null), DELTA, "claude_code.token.usage",
                costPoint("s", 1200, 100, 200, "type", "input")));
        ClaudeCodeMetrics.Result noSession = map(metrics(claudeCode(null), DELTA, ClaudeCodeMetrics.COST_USAGE,
                io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder().setAsDouble(0.5).build()));

        assertThat(tokens.cost().records()).isEmpty();
        assertThat(tokens.cost().rejections()).isEmpty();
        assertThat(noSession.cost().rejections()).singleElement().asString().contains("session.id: is required");
    }

    @Test
    void aNegativeCostIsRejected() {
        assertThat(map(metrics(claudeCode(null), DELTA, ClaudeCodeMetrics.COST_USAGE, costPoint("s", -0.5, 1, 2)))
                .cost().rejections()).singleElement().asString().contains("must not be negative");
    }
}
