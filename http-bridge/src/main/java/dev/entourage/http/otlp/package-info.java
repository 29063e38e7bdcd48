/**
 * The OTLP/HTTP receiver of {@code entourage serve}: {@code POST /v1/logs} and {@code POST /v1/metrics} (the paths
 * an exporter appends to {@code OTEL_EXPORTER_OTLP_ENDPOINT}), in {@code application/x-protobuf} or
 * {@code application/json}, plain or gzip. Bodies are decoded with the generated OTLP classes, never by hand;
 * the log records and metric points of Claude Code, Codex CLI and Gemini CLI are mapped (one small class per
 * agent) to the capture records of {@code dev.entourage.ledger.capture} and handed to the ledger's
 * {@code CaptureService}. Answers follow the OTLP/HTTP specification: 200 with the export response (partial
 * success naming what was rejected), 400 with a {@code google.rpc.Status} for a body that cannot be decoded
 * (nothing written), 503 when the ledger cannot be reached (the exporter retries).
 */
package dev.entourage.http.otlp;
