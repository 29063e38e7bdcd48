#!/usr/bin/env bash
# The official openai SDK (npm, installed here at run time) through the OpenAI gateway of `entourage serve` to a
# local stand-in of OpenAI's API (openai-standin.mjs): exact usage recorded for a plain and a streamed chat completion
# and a Responses call; the call that would cross the agent's $0.045 daily cap is refused with insufficient_quota
# and the SDK does not retry it.
# Needs: java, node, npm (registry access), curl, python3, and the built jar (mvn -B package -DskipTests).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
jar="$root/mcp-server/target/entourage.jar"
[ -f "$jar" ] || { echo "gateway-openai: build first (mvn -B package -DskipTests)" >&2; exit 1; }
# shellcheck source=../processes.sh
. "$root/examples/processes.sh"

(cd "$work" && npm install --silent --no-audit --no-fund openai >/dev/null)
echo "openai $(node -p "require('$work/node_modules/openai/package.json').version")"
cp "$here/openai-client.mjs" "$here/openai-standin.mjs" "$work/"

node "$work/openai-standin.mjs" > "$work/standin.out" &
pids+=($!)
for _ in $(seq 1 50); do grep -q listening "$work/standin.out" 2>/dev/null && break; sleep 0.1; done
standin_port="$(awk '/listening on/ {print $3}' "$work/standin.out")"

db="$work/ledger.db"
key="$(entourage init --json --db "$db" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_key"])')"
port="$(free_port)"
java -jar "$jar" serve --db "$db" --port "$port" --openai-upstream "http://127.0.0.1:$standin_port" \
  2> "$work/serve.log" &
pids+=($!)
wait_up "$port" "$work/serve.log"
curl -fsS -X POST "http://127.0.0.1:$port/api/v1/teams/default/agents" -H "X-API-Key: $key" \
  -H 'Content-Type: application/json' -d '{"name": "sdk-oai", "daily_limit_usd": 0.045}' >/dev/null

(cd "$work" && GATEWAY_URL="http://127.0.0.1:$port/openai/v1" STANDIN_URL="http://127.0.0.1:$standin_port" \
  ENTOURAGE_KEY="$key" node openai-client.mjs)

spent="$(settled_budget "$port" "$key" sdk-oai \
  | python3 -c 'import json,sys; b=json.load(sys.stdin); print(b["daily_spent_usd"])')"
# each call: 200 uncached input at $5/M, 1500 cache reads at $0.50/M, 300 cache writes at $6.25/M, 300 output at $30/M
echo "recorded for sdk-oai today: \$$spent (three calls of \$0.012625 each)"
python3 -c "import sys; sys.exit(0 if abs(float('$spent') - 0.037875) < 1e-9 else 1)" \
  || { echo "gateway-openai: expected \$0.037875 recorded" >&2; exit 1; }
if grep -q "sk-proj-example" "$work/serve.log"; then echo "gateway-openai: the provider key was logged" >&2; exit 1; fi
echo "gateway-openai: ok"
