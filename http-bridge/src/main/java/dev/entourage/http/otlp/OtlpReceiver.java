package dev.entourage.http.otlp;

import com.google.protobuf.Message;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.CaptureService;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.capture.CaptureReceipt;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import jakarta.servlet.http.HttpServlet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OTLP/HTTP receiver's routes, to mount behind the bridge's gate: {@value #LOGS_PATH} (Claude Code, Codex and
 * Gemini log events → captured calls and API errors) and {@value #METRICS_PATH} (Claude Code's cost counter → the
 * cross-check).
 */
public final class OtlpReceiver {
    public static final String LOGS_PATH = "/v1/logs";
    public static final String METRICS_PATH = "/v1/metrics";

    private OtlpReceiver() {
    }

    /** The two routes by path, over {@code ledger}'s capture service. */
    public static Map<String, HttpServlet> servlets(LedgerServices ledger) {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put(LOGS_PATH, new Logs(ledger.capture(), ledger.clock()));
        servlets.put(METRICS_PATH, new Metrics(ledger.capture(), ledger.clock()));
        return servlets;
    }

    private static final class Logs extends OtlpServlet {
        private static final long serialVersionUID = 1L;

        Logs(CaptureService capture, Clock clock) {
            super(capture, clock);
        }

        @Override
        Outcome export(Actor actor, OtlpBody body, ExportContext context) {
            ExportLogsServiceRequest request = OtlpCodec.decode(body, ExportLogsServiceRequest.newBuilder());
            LogsMapper.Result mapped = LogsMapper.map(request, context);
            CaptureReceipt calls = mapped.calls().records().isEmpty() ? empty()
                    : capture().record(actor, mapped.calls().records());
            CaptureReceipt errors = mapped.errors().records().isEmpty() ? empty()
                    : capture().recordErrors(actor, mapped.errors().records());
            List<String> rejected = new ArrayList<>(mapped.calls().rejections());
            rejected.addAll(mapped.errors().rejections());
            return outcome(rejected, calls, errors);
        }

        @Override
        Message response(Outcome outcome, String errorMessage) {
            if (errorMessage.isEmpty()) {
                return ExportLogsServiceResponse.getDefaultInstance();
            }
            return ExportLogsServiceResponse.newBuilder().setPartialSuccess(ExportLogsPartialSuccess.newBuilder()
                    .setRejectedLogRecords(outcome.rejected()).setErrorMessage(errorMessage)).build();
        }
    }

    private static final class Metrics extends OtlpServlet {
        private static final long serialVersionUID = 1L;

        Metrics(CaptureService capture, Clock clock) {
            super(capture, clock);
        }

        @Override
        Outcome export(Actor actor, OtlpBody body, ExportContext context) {
            ExportMetricsServiceRequest request = OtlpCodec.decode(body, ExportMetricsServiceRequest.newBuilder());
            ClaudeCodeMetrics.Result mapped = ClaudeCodeMetrics.map(request, context);
            CaptureReceipt points = mapped.cost().records().isEmpty() ? empty()
                    : capture().recordMetrics(actor, mapped.cost().records());
            return outcome(mapped.cost().rejections(), points);
        }

        @Override
        Message response(Outcome outcome, String errorMessage) {
            if (errorMessage.isEmpty()) {
                return ExportMetricsServiceResponse.getDefaultInstance();
            }
            return ExportMetricsServiceResponse.newBuilder().setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(outcome.rejected()).setErrorMessage(errorMessage)).build();
        }
    }

    private static CaptureReceipt empty() {
        return new CaptureReceipt(0, 0, 0, List.of());
    }
}
