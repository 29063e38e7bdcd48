/**
 * The MCP face of the ledger: the four tools ({@code start_session}, {@code report_usage},
 * {@code check_budget}, {@code end_session}), their schemas and the server instructions, and the stdio
 * sidecar that serves them with nothing but MCP messages on stdout.
 */
package dev.entourage.mcp;
