#!/usr/bin/env bash
# The gateway's bench: latency added by /anthropic at 200 concurrent streams (the same fast stand-in called
# directly and through `entourage serve`, alternated A B A B), then the bridge's memory and threads while 1,000
# slow streams are open through it. Needs java (with jcmd), python3, curl and the built jar (mvn -B package
# -DskipTests). Not a test: run it by hand on a quiet machine; it prints the figures bench/README.md quotes.
#   bench/gateway/run.sh [--seconds 20] [--concurrency 200] [--gap-ms 500] [--warm-seconds 30] [--streams 1000]
#                        [--skip-latency] [--skip-memory]
# --gap-ms: the stand-in's pause between the events of a latency stream (200 streams of 6.5 s each keep
# about 30 calls a second going through the ledger's hold and settle).
# Each client starts a stream's length after the one before it divided by the clients (--spread-ms of
# GatewayBench), and only calls started after that are counted, so calls arrive evenly as they would from 200
# independent agents, not 200 at once every stream.
# --warm-seconds: before the runs, 8 clients stream without gaps (x-bench-gap-ms: 0) that long through the gateway
# and directly, so that both JVMs have compiled their hot paths (a few thousand calls; a bridge that has run for a
# while has); the runs' figures are then the steady state, not the JIT's.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$root/mcp-server/target/entourage.jar"
bench="$root/bench/gateway/GatewayBench.java"
seconds=20 concurrency=200 streams=1000 gap=500 warm=30 latency=1 memory=1
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --streams) streams="$2"; shift 2 ;;
    --gap-ms) gap="$2"; shift 2 ;;
    --warm-seconds) warm="$2"; shift 2 ;;
    --skip-latency) latency=0; shift ;;
    --skip-memory) memory=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -f "$jar" ] || { echo "gateway bench: build first (mvn -B package -DskipTests)" >&2; exit 1; }
. "$root/examples/lib.sh"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start_standin VAR ARGS...: a GatewayBench stand-in; VAR is set to its port.
start_standin() {
  local var="$1"; shift
  java -Xss256k -Dsun.net.httpserver.nodelay=true -Dsun.net.httpserver.maxIdleConnections=4096 -Dsun.net.httpserver.idleInterval=600 "$bench" standin --port 0 "$@" >"$work/standin.$var" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do
    grep -q '^listening on ' "$work/standin.$var" 2>/dev/null && break
    sleep 0.2
  done
  printf -v "$var" '%s' "$(sed -n 's/^listening on //p' "$work/standin.$var")"
}

# start_bridge UPSTREAM_PORT: a fresh ledger, an agent key in $key, `entourage serve` on $port (pid $bridge_pid).
start_bridge() {
  local db="$work/ledger-$1.db"
  java -jar "$jar" init --db "$db" >/dev/null
  java -jar "$jar" agents set bench --db "$db" >/dev/null
  key="$(java -jar "$jar" keys create --role agent --agent bench --json --db "$db" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')"
  port="$(free_port)"
  java -jar "$jar" serve --port "$port" --db "$db" --rate-limit-rpm 100000000 \
    --anthropic-upstream "http://127.0.0.1:$1" >"$work/serve-$1.log" 2>&1 &
  bridge_pid=$!
  pids+=("$bridge_pid")
  wait_up "$port" "$work/serve-$1.log"
}

echo "== $(nproc) cores, $(java -version 2>&1 | head -n 1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$latency" = 1 ]; then
  start_standin fast --events 12 --gap-ms "$gap"
  start_bridge "$fast"
  direct="http://127.0.0.1:$fast/v1/messages"
  gateway="http://127.0.0.1:$port/anthropic/v1/messages"
  echo "== warm-up (${warm} s each without gaps at 8 streams, then 5 s each as measured; not counted)"
  java "$bench" latency --url "$direct" --concurrency 8 --seconds "$warm" --gap-ms 0 --label warm-direct >/dev/null
  java "$bench" latency --url "$gateway" --key "$key" --concurrency 8 --seconds "$warm" --gap-ms 0 \
    --label warm-gw >/dev/null
  spread=$((13 * gap))
  java "$bench" latency --url "$direct" --concurrency "$concurrency" --seconds 5 --spread-ms "$spread" \
    --label warm-direct >/dev/null
  java "$bench" latency --url "$gateway" --key "$key" --concurrency "$concurrency" --seconds 5 --spread-ms "$spread" \
    --label warm-gw >/dev/null
  echo "== $concurrency concurrent streams, ${seconds} s a run (12 content events a stream, ${gap} ms between events)"
  for round in 1 2; do
    java "$bench" latency --url "$direct" --concurrency "$concurrency" --seconds "$seconds" --spread-ms "$spread" \
      --label "direct-$round"
    java "$bench" latency --url "$gateway" --key "$key" --concurrency "$concurrency" --seconds "$seconds" \
      --spread-ms "$spread" \
      --label "gateway-$round"
  done
  kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true
fi
if [ "$memory" = 1 ]; then
  start_standin slow --events 600 --gap-ms 1000
  start_bridge "$slow"
  echo "== $streams streams held open through the gateway (one event a second each); bridge pid $bridge_pid"
  java "$bench" hold --url "http://127.0.0.1:$port/anthropic/v1/messages" --key "$key" --pid "$bridge_pid" \
    --streams "$streams" --at "0,$((streams / 2)),$streams"
fi
