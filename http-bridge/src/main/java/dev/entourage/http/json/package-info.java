/**
 * Entourage's JSON at the edges: the shared mapper, the shapes of SPEC §5 encoded from ledger values, their
 * published schemas, and strict decoding of requests into ledger commands with errors that name the offending
 * field. REST routes and MCP tools both use it, so the two doors answer alike.
 *
 * <p>Each resource has its encoder and, beside it, its schemas: {@link dev.entourage.http.json.LedgerJson} and
 * {@link dev.entourage.http.json.SessionSchemas} (sessions, usage, budgets, holds, errors),
 * {@link dev.entourage.http.json.SettingsJson} and {@link dev.entourage.http.json.SettingsSchemas} (teams, agents,
 * tasks, alerts, the alert webhook), {@link dev.entourage.http.json.ReportJson} and
 * {@link dev.entourage.http.json.ReportSchemas} (costs, dashboard, spend, live events).
 * {@link dev.entourage.http.json.WireSchemas} lists every published shape by name; {@code SchemaNodes} builds
 * schema nodes and {@code WireValues} holds the scalar conventions (dollars, times).
 * {@link dev.entourage.http.json.AccessJson} encodes API keys and tokens, {@link dev.entourage.http.json.Csv}
 * writes CSV. Decoding: {@link dev.entourage.http.json.Json} (the mapper), {@link dev.entourage.http.json.Fields},
 * {@link dev.entourage.http.json.LedgerRequests} and {@link dev.entourage.http.json.RestRequests}.
 */
package dev.entourage.http.json;
