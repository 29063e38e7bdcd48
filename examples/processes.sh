# Shared by the scripts that run real clients against the built jar (source it after setting $jar): a temporary
# directory $work removed on exit with every process whose pid is added to $pids, and helpers to start the bridge.
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

entourage() { java -jar "$jar" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_up() {
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "$(basename "$0"): the bridge on port $1 did not come up" >&2
  return 1
}
