package dev.entourage.mcp;

import java.nio.file.Path;

/** The contract, through the stdio sidecar ({@code entourage mcp}) driven by the MCP SDK's client. */
class StdioContractIT extends LedgerContract {
    @Override
    Door open(Path db, String agent) {
        return new Sidecar(db, agent);
    }
}
