#!/usr/bin/env bash
# The cost-control guide's curl calls, as written (ids and the key filled in), against a running bridge.
# Each answer is checked; the script exits non-zero at the first wrong one.
#
#   ./entourage init --json                      # prints the first admin key
#   ./entourage serve &                          # http://127.0.0.1:8000
#   examples/curl/walkthrough.sh http://127.0.0.1:8000 oc_...
set -euo pipefail

base="${1:-http://127.0.0.1:8000}"
key="${2:?usage: walkthrough.sh BASE_URL ADMIN_KEY}"
agent="${3:-eng-walk-$$}"
body="$(mktemp)"
trap 'rm -f "$body"' EXIT

# check STATUS EXPECTED PYTHON-EXPRESSION: the answer in $body is `j`; the expression must be true.
check() {
  local status="$1" expected="$2" what="$3"
  if [ "$status" != "$expected" ]; then
    echo "FAIL: expected HTTP $expected, got $status: $(cat "$body")" >&2
    exit 1
  fi
  python3 - "$body" "$what" <<'PY' || { echo "FAIL: $what: $(cat "$body")" >&2; exit 1; }
import json, sys
from decimal import Decimal
j = json.load(open(sys.argv[1]), parse_float=Decimal)
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
  echo "ok: $what"
}

field() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$body" "$1"
}

echo "# A daily cap for the whole team"
status=$(curl -s -o "$body" -w '%{http_code}' -X PATCH "$base/api/v1/settings/teams/default" \
  -H "Content-Type: application/json" \
  -H "X-API-Key: $key" \
  -d '{"daily_cost_limit_usd": 10.00}')
check "$status" 200 "j['daily_cost_limit_usd'] == Decimal('10')"

echo "# An agent with a daily limit"
status=$(curl -s -o "$body" -w '%{http_code}' -X POST "$base/api/v1/teams/default/agents" \
  -H "Content-Type: application/json" \
  -H "X-API-Key: $key" \
  -d "{\"name\": \"$agent\", \"daily_limit_usd\": 5.00}")
check "$status" 201 "j['name'] == '$agent' and j['daily_limit_usd'] == Decimal('5')"

echo "# A task with a cost cap"
status=$(curl -s -o "$body" -w '%{http_code}' -X POST "$base/api/v1/teams/default/tasks" \
  -H "Content-Type: application/json" \
  -H "X-API-Key: $key" \
  -d '{
"title": "Fix typo in README",
"priority": "low",
"task_type": "bugfix",
"tags": ["budget:0.50"]
}')
check "$status" 201 "j['budget_usd'] == Decimal('0.5') and j['title'] == 'Fix typo in README'"
task_id="$(field id)"

echo "# Open a session"
status=$(curl -s -o "$body" -w '%{http_code}' -X POST "$base/api/v1/agents/$agent/sessions" \
  -H "Content-Type: application/json" \
  -H "X-API-Key: $key" \
  -d "{
\"task_id\": $task_id,
\"model\": \"claude-sonnet-4-20250514\"
}")
check "$status" 201 "j['status'] == 'active' and j['task_id'] == $task_id"
session_id="$(field id)"

echo "# Report usage"
status=$(curl -s -o "$body" -w '%{http_code}' -X POST "$base/api/v1/sessions/$session_id/usage" \
  -H "Content-Type: application/json" \
  -H "X-API-Key: $key" \
  -d '{
"input_tokens": 2500,
"output_tokens": 800,
"cost_usd": 0.012
}')
check "$status" 201 "j['cost_usd'] == Decimal('0.012') and j['action'] == 'continue' and j['session']['input_tokens'] == 2500"

echo "# Check the budget"
status=$(curl -s -o "$body" -w '%{http_code}' "$base/api/v1/agents/$agent/budget" -H "X-API-Key: $key")
check "$status" 200 "j['daily_limit_usd'] == Decimal('5') and j['daily_spent_usd'] == Decimal('0.012') and j['daily_remaining_usd'] == Decimal('4.988') and j['task_limit_usd'] == Decimal('0.5') and j['task_spent_usd'] == Decimal('0.012') and j['over_budget'] is False"

echo "# End the session"
status=$(curl -s -o "$body" -w '%{http_code}' -X POST "$base/api/v1/sessions/$session_id/end" \
  -H "X-API-Key: $key")
check "$status" 200 "j['status'] == 'ended' and j['cost_usd'] == Decimal('0.012')"

echo "# Team costs"
status=$(curl -s -o "$body" -w '%{http_code}' "$base/api/v1/teams/default/costs" -H "X-API-Key: $key")
check "$status" 200 "any(s['session_id'] == $session_id and s['agent_name'] == '$agent' and s['task_title'] == 'Fix typo in README' and s['cost_usd'] == Decimal('0.012') and s['tokens'] == 3300 for s in j['sessions'])"

echo "# The agent's sessions"
status=$(curl -s -o "$body" -w '%{http_code}' "$base/api/v1/agents/$agent/sessions" -H "X-API-Key: $key")
check "$status" 200 "j['sessions'][0]['id'] == $session_id and j['sessions'][0]['input_tokens'] == 2500"

echo "# Without a key"
status=$(curl -s -o "$body" -w '%{http_code}' "$base/api/v1/agents/$agent/budget")
check "$status" 401 "j['error']['code'] == 'unauthenticated'"

echo "walkthrough: all answers as documented"
