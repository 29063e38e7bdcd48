#!/usr/bin/env bash
# The official @anthropic-ai/sdk (npm, installed here at run time) through the gateway of `entourage serve` to a
# local stand-in of the Messages API (standin.mjs): exact usage recorded for a plain and a streamed call; the call
# that would cross the agent's $0.05 daily cap is refused with billing_error and the SDK does not retry it.
# Needs: java, node, npm (registry access), curl, python3, and the built jar (mvn -B package -DskipTests).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
jar="$root/mcp-server/target/entourage.jar"
[ -f "$jar" ] || { echo "gateway-sdk: build first (mvn -B package -DskipTests)" >&2; exit 1; }
# shellcheck source=../processes.sh
. "$root/examples/processes.sh"

(cd "$work" && npm install --silent --no-audit --no-fund @anthropic-ai/sdk >/dev/null)
echo "@anthropic-ai/sdk $(node -p "require('$work/node_modules/@anthropic-ai/sdk/package.json').version")"
cp "$here/sdk-client.mjs" "$here/standin.mjs" "$work/"

node "$work/standin.mjs" > "$work/standin.out" &
pids+=($!)
for _ in $(seq 1 50); do grep -q listening "$work/standin.out" 2>/dev/null && break; sleep 0.1; done
standin_port="$(awk '/listening on/ {print $3}' "$work/standin.out")"

db="$work/ledger.db"
key="$(entourage init --json --db "$db" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_key"])')"
port="$(free_port)"
java -jar "$jar" serve --db "$db" --port "$port" --anthropic-upstream "http://127.0.0.1:$standin_port" \
  2> "$work/serve.log" &
pids+=($!)
wait_up "$port"
curl -fsS -X POST "http://127.0.0.1:$port/api/v1/teams/default/agents" -H "X-API-Key: $key" \
  -H 'Content-Type: application/json' -d '{"name": "sdk-1", "daily_limit_usd": 0.05}' >/dev/null

(cd "$work" && GATEWAY_URL="http://127.0.0.1:$port/anthropic" STANDIN_URL="http://127.0.0.1:$standin_port" \
  ENTOURAGE_KEY="$key" node sdk-client.mjs)

spent="$(settled_budget "$port" "$key" sdk-1 \
  | python3 -c 'import json,sys; b=json.load(sys.stdin); print(b["daily_spent_usd"])')"
echo "recorded for sdk-1 today: \$$spent (two calls of \$0.0291 each)"
python3 -c "import sys; sys.exit(0 if abs(float('$spent') - 0.0582) < 1e-9 else 1)" \
  || { echo "gateway-sdk: expected \$0.0582 recorded" >&2; exit 1; }
if grep -q "sk-ant-example" "$work/serve.log"; then echo "gateway-sdk: the provider key was logged" >&2; exit 1; fi
echo "gateway-sdk: ok"
