/**
 * Entourage's JSON at the edges: the shared mapper, the shapes of SPEC §5 encoded from ledger values, and
 * strict decoding of requests into ledger commands with errors that name the offending field. REST routes
 * and MCP tools both use it, so the two doors answer alike.
 */
package dev.entourage.http.json;
