/**
 * What Entourage captures from coding agents without the model's help: model calls, API errors and metric points
 * read from their telemetry ({@link dev.entourage.ledger.capture.CapturedCall},
 * {@link dev.entourage.ledger.capture.CapturedError}, {@link dev.entourage.ledger.capture.MetricPoint}), and their
 * control points ({@link dev.entourage.ledger.capture.HookRequest} answered by a
 * {@link dev.entourage.ledger.capture.HookDecision}). Adapters (OTLP receiver, hooks endpoint, sidecar tool) map
 * wire records to these values; {@code CaptureService} and {@code HookService} record and decide.
 */
package dev.entourage.ledger.capture;
