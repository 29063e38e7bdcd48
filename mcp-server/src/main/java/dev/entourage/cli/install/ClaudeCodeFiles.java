package dev.entourage.cli.install;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where Claude Code (2.1.332, checked with the real CLI) reads what install writes: settings in
 * {@code ~/.claude/settings.json} or {@code PROJECT/.claude/settings.json}; MCP servers at the top of
 * {@code ~/.claude.json} (user) or in {@code PROJECT/.mcp.json}. {@code CLAUDE_CONFIG_DIR} moves both user files
 * into that directory, as it does for Claude Code.
 */
record ClaudeCodeFiles(Path userSettings, Path userMcp, Path projectSettings, Path projectMcp) {
    static ClaudeCodeFiles of(Map<String, String> env, String home, Path project) {
        String configDir = env.get("CLAUDE_CONFIG_DIR");
        Path user = configDir == null || configDir.isBlank() ? Path.of(home, ".claude") : expand(configDir, home);
        Path userMcp = configDir == null || configDir.isBlank() ? Path.of(home, ".claude.json")
                : user.resolve(".claude.json");
        Path root = project.toAbsolutePath().normalize();
        return new ClaudeCodeFiles(user.resolve("settings.json"), userMcp, root.resolve(".claude/settings.json"),
                root.resolve(".mcp.json"));
    }

    static Path expand(String path, String home) {
        return Path.of(path.equals("~") ? home : path.startsWith("~/") ? home + path.substring(1) : path);
    }
}
