package dev.entourage.http.otlp;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.capture.CapturedError;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;

/**
 * Turns an export of log records into model calls and API errors, one agent's mapper per event name. Records of
 * other events are accepted and ignored; a record its mapper cannot read is rejected with the reason.
 */
final class LogsMapper {
    /** What one export request carries for the ledger. */
    record Result(Mapped<CapturedCall> calls, Mapped<CapturedError> errors, int records) {
        int rejected() {
            return calls.rejections().size() + errors.rejections().size();
        }
    }

    /** The most log records one request may carry (OTel SDKs send at most 512 by default). */
    static final int MAX_RECORDS = 10_000;

    private LogsMapper() {
    }

    static Result map(ExportLogsServiceRequest request, ExportContext context) {
        Mapped<CapturedCall> calls = new Mapped<>();
        Mapped<CapturedError> errors = new Mapped<>();
        int index = 0;
        for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
            Attributes resource = Attributes.of(resourceLogs.getResource().getAttributesList());
            for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
                for (LogRecord record : scopeLogs.getLogRecordsList()) {
                    if (index == MAX_RECORDS) {
                        throw OtlpFailure.badRequest("the request has more than " + MAX_RECORDS
                                + " log records; send smaller batches");
                    }
                    mapOne(new LogEvent(record, resource, context), index++, calls, errors);
                }
            }
        }
        return new Result(calls, errors, index);
    }

    private static void mapOne(LogEvent event, int index, Mapped<CapturedCall> calls, Mapped<CapturedError> errors) {
        String name = event.name();
        try {
            switch (name) {
                case ClaudeCodeEvents.API_REQUEST -> calls.add(ClaudeCodeEvents.call(event));
                case ClaudeCodeEvents.API_ERROR -> errors.add(ClaudeCodeEvents.error(event));
                case CodexEvents.SSE_EVENT -> {
                    if (CodexEvents.isCall(event)) {
                        calls.add(CodexEvents.call(event));
                    }
                }
                case GeminiEvents.API_RESPONSE -> calls.add(GeminiEvents.call(event));
                case GeminiEvents.API_ERROR -> errors.add(GeminiEvents.error(event));
                default -> {
                }
            }
        } catch (Rejected | LedgerException e) {
            String reason = "log record " + index + " (" + name + "): " + e.getMessage();
            if (name.equals(ClaudeCodeEvents.API_ERROR) || name.equals(GeminiEvents.API_ERROR)) {
                errors.reject(reason);
            } else {
                calls.reject(reason);
            }
        }
    }
}
