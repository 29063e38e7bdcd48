package dev.entourage.mcp;

import java.util.Map;

/**
 * One way into the ledger for an agent: the stdio sidecar now; REST and MCP over HTTP join later. The contract
 * suite runs the same scenarios through each.
 */
interface Door extends AutoCloseable {

    /** Calls a tool as the bound agent. */
    ToolAnswer call(String tool, Map<String, Object> arguments);

    /** Stops the door's process (if any) and starts it again on the same database. */
    void restart();

    @Override
    void close();
}
