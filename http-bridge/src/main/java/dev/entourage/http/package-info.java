/**
 * The HTTP bridge as a library: {@link dev.entourage.http.HttpBridge#start} runs one Jetty server with the REST
 * routes of SPEC §5 under {@code /api/v1}, {@code /healthz}, and the servlets the application hands over (MCP),
 * all behind one filter that authenticates (API keys, HS256 access tokens), rate-limits (SPEC §6) and puts
 * the {@link dev.entourage.ledger.access.Principal} on the request (without authentication, it serves only
 * requests whose {@code Host} and {@code Origin} name this machine). Routes, grouped by resource and each
 * declaring its {@link dev.entourage.http.Access}, are thin adapters onto the use-case services
 * ({@link dev.entourage.ledger.LedgerServices}, with the caller's {@link dev.entourage.ledger.Actor}) and
 * {@link dev.entourage.ledger.access.AccessService}; every
 * failure is answered once, in the error shape, without internal text. Everything here but
 * {@link dev.entourage.http.HttpBridge} and {@link dev.entourage.http.BridgeConfig} is package-private.
 */
package dev.entourage.http;
