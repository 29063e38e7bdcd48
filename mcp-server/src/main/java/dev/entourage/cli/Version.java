package dev.entourage.cli;

import picocli.CommandLine;

/** The version printed by {@code --version} and announced to MCP clients. */
public final class Version implements CommandLine.IVersionProvider {
    public static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {"entourage " + VERSION};
    }
}
