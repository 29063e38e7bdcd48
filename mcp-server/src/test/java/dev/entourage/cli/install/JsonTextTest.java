package dev.entourage.cli.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** JSON written the way Claude Code writes its own files, so a merge changes only the lines it must. */
class JsonTextTest {
    /** What Claude Code 2.1.332 wrote for `claude mcp add entourage -s project -- /bin/echo mcp --agent b`. */
    private static final String CLAUDE_CODE_MCP_JSON = """
            {
              "mcpServers": {
                "entourage": {
                  "type": "stdio",
                  "command": "/bin/echo",
                  "args": [
                    "mcp",
                    "--agent",
                    "b"
                  ],
                  "env": {}
                }
              }
            }""";

    @Test
    void writesWhatClaudeCodeWritesByteForByte() {
        assertThat(JsonText.write(JsonText.parse(CLAUDE_CODE_MCP_JSON, Path.of(".mcp.json")), false))
                .isEqualTo(CLAUDE_CODE_MCP_JSON);
    }

    @Test
    void emptyListsAndObjectsAndEscapesStayCompact() {
        String text = "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": \"say \\\"hi\\\"\\n\",\n  \"d\": 1.5,\n  \"e\": null\n}\n";
        assertThat(JsonText.write(JsonText.parse(text, Path.of("x.json")), true)).isEqualTo(text);
    }
}
