# Shell helpers shared by the example and CI scripts (source it): free_port, wait_up, settled_budget.

# free_port: a TCP port free on 127.0.0.1 right now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_up PORT [LOG]: wait up to 30 s for the bridge's /healthz on PORT; else say so, print LOG and fail.
wait_up() {
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "$(basename "$0" .sh): the bridge on port $1 did not come up" >&2
  if [ -n "${2:-}" ]; then cat "$2" >&2; fi
  return 1
}

# settled_budget PORT KEY AGENT: the agent's budget JSON once nothing is held (the gateway records a call just after
# its answer ends), waiting up to 5 s; after that, as it stands.
settled_budget() {
  local budget
  for _ in $(seq 1 50); do
    budget="$(curl -fsS "http://127.0.0.1:$1/api/v1/agents/$3/budget" -H "X-API-Key: $2")"
    python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["team_daily_held_usd"] == 0 else 1)' \
      "$budget" && break
    sleep 0.1
  done
  printf '%s\n' "$budget"
}
