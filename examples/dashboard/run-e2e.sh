#!/usr/bin/env bash
# End-to-end test of the dashboard in a real browser (CI runs it after `mvn -B verify`):
#   a fresh database (`entourage init`), an agent made over REST, `entourage serve` on a free port, then
#   examples/dashboard/e2e.mjs drives Debian's Chromium through playwright-core: sign in with the admin key,
#   live cost of a session within 2 s without reload, kill with confirmation, "action": "stop" afterwards, pause
#   and resume with the keyboard, a session's drill-down (by click and by deep link), an agent held by its open
#   hold, charts, a custom range and its CSV export, 390 px with no horizontal scroll, a kill by another process
#   (`entourage kill` on the same database file), a viewer signed in with email and password (no kill buttons).
# Screenshots: target/dashboard-e2e.png, target/dashboard-e2e-390.png and target/dashboard-full.png (repo root).
# With --readme-screenshot the full-page one (realistic data, 1366x768) is written to docs/dashboard.png instead, for the README.
# Needs: java + mvn (./entourage builds its jar on first use), python3, curl, node 20+ and npm (registry access
# for playwright-core, installed into a temporary directory), Chromium (apt-get install -y chromium; never a
# downloaded browser). CHROMIUM=/path/to/chromium picks another binary.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readme_shot=""
case "${1:-}" in
  "") ;;
  --readme-screenshot) readme_shot="$root/docs/dashboard.png" ;;
  -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: $0 [--readme-screenshot]" >&2; exit 2 ;;
esac

chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "run-e2e: no Chromium at $chromium (apt-get install -y chromium)" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "run-e2e: needs node and npm" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

entourage() { "$root/entourage" "$@"; }
. "$root/examples/lib.sh"

echo "== building ./entourage (first use) and installing playwright-core (npm, into a temporary directory)"
entourage --help >/dev/null
(cd "$work" && npm install --silent --no-audit --no-fund --prefix "$work/npm" playwright-core@1.65.1 >/dev/null)

db="$work/ledger.db"
key="$(entourage init --json --db "$db" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_key"])')"
viewer_password="viewer-$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')"
printf '%s\n' "$viewer_password" | entourage users add viewer@example.com --role viewer --password-stdin --db "$db" >/dev/null
port="$(free_port)"
# Not through the function: $! must be the launcher itself, which execs java (so the trap stops the server).
"$root/entourage" serve --port "$port" --db "$db" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_up "$port" "$work/serve.log"
base="http://127.0.0.1:$port"

echo "== an agent over REST"
agent_id="$(curl -fsS -X POST "$base/api/v1/teams/default/agents" -H "X-API-Key: $key" \
  -H 'Content-Type: application/json' -d '{"name": "eng-1", "daily_limit_usd": 5.00}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
echo "ok: agent eng-1 is $agent_id"

mkdir -p "$root/target"
echo "== the dashboard in Chromium"
E2E_NODE_MODULES="$work/npm/node_modules" ENTOURAGE_URL="$base" ENTOURAGE_ADMIN_KEY="$key" \
ENTOURAGE_AGENT_ID="$agent_id" ENTOURAGE_AGENT_NAME=eng-1 CHROMIUM="$chromium" \
E2E_VIEWER_EMAIL=viewer@example.com E2E_VIEWER_PASSWORD="$viewer_password" \
E2E_ENTOURAGE="$root/entourage" E2E_DB="$db" \
E2E_USER_DATA_DIR="$work/chromium-profile" E2E_SCREENSHOT="$root/target/dashboard-e2e.png" \
E2E_FULL_SCREENSHOT="${readme_shot:-$root/target/dashboard-full.png}" \
  node "$root/examples/dashboard/e2e.mjs" || {
    echo "--- serve.log (tail)" >&2
    tail -40 "$work/serve.log" >&2
    exit 1
  }
echo "run-e2e: all checks passed"
