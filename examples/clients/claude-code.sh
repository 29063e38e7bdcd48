#!/usr/bin/env bash
# Registers Entourage as an MCP server in Claude Code, for this checkout. By hand it is:
#
#   claude mcp add entourage -- /ABSOLUTE/PATH/TO/entourage/entourage mcp --agent claude-code \
#     --db "$HOME/.entourage/entourage.db"
#
# The ledger is named with --db: clients may start the sidecar with a minimal environment, and a --db that does
# not exist is refused (run `entourage init` first), so the sidecar never writes to a ledger you do not read.
# Syntax: claude mcp add <name> [options] -- <command> [args...]. Write the server name first: -e/--env
# takes several values and swallows a name written after it. Everything after `--` is the sidecar's command.
set -euo pipefail

entourage="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/entourage"

# Build entourage.jar now rather than on the client's first start.
"$entourage" --version >/dev/null

if [ "${1:-}" = "--user" ]; then
  # Every project of yours (user scope), with the ledger file named explicitly.
  claude mcp add entourage -s user -- "$entourage" mcp --agent claude-code --db "$HOME/.entourage/entourage.db"
else
  # This project only (local scope, the default).
  claude mcp add entourage -- "$entourage" mcp --agent claude-code --db "$HOME/.entourage/entourage.db"
fi

# Check: `claude mcp list` shows entourage connected; inside Claude Code, /mcp lists its four tools.
