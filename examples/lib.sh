# Shell helpers shared by the example and CI scripts (source it): free_port, wait_up.

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
