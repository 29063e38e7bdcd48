#!/usr/bin/env bash
# Load benchmark of the HTTP bridge (`entourage serve`), with wrk. Run by hand from anywhere in the repository;
# it is not a test and CI does not run it. Everything targets 127.0.0.1 and is bounded in time: a default run
# takes about 2.5 minutes (3 warm-ups of 20 s, then 6 runs of 15 s).
#
#   bench/http_load.sh                        # 16 connections, 2 wrk threads, 15 s per run, DB under /tmp
#   bench/http_load.sh --db-dir /dev/shm      # the DB on tmpfs: takes fsync out of the figures
#   bench/http_load.sh --duration 5s --warmup 2s --label quick
#   BENCH_JAVA_OPTS='-XX:+UseParallelGC' bench/http_load.sh   # extra JVM flags for the server
#   bench/http_load.sh --db postgresql://bench@127.0.0.1:5433/bench   # an EMPTY PostgreSQL database instead
#
# Options: --duration D (each measured run; default 15s), --warmup D (each warm-up run; 0 skips them;
# default 20s: the bridge's JIT compiles for about a minute of load), --connections N (16), --threads N
# (wrk -t, 2), --rate N (the paced check_budget run, req/s; 1000), --port N (0 = a free port), --db-dir DIR
# (default: $TMPDIR or /tmp), --db URL (a database URL such as postgresql://user@host:port/db naming an empty
# database, used instead of a fresh SQLite file under --db-dir;
# the password from PGPASSWORD or ~/.pgpass), --label TEXT, --keep (keep the temp directory: DB, server log, wrk
# outputs).
#
# Steps: `./entourage --version` (builds the jar if the sources changed; retried while a build fails, e.g.
# on a half-written file), a copy of the jar in a temp directory (others' builds may rewrite
# mcp-server/target/entourage.jar during the run), `init` on a fresh DB, an agent key for agent `bench`,
# `serve --rate-limit-rpm 100000000` in the background, one session (POST /api/v1/agents/bench/sessions).
# Then, each after a /healthz run on the same server as the baseline:
#   report_usage   POST /api/v1/sessions/$ID/usage {"input_tokens":1200,"output_tokens":300}: each answer
#                  is a new durable usage row (201)
#   check_budget   GET /api/v1/agents/bench/budget, saturated
#   check_budget   the same, paced at --rate requests/s (bench/http_load.lua's delay(); wrk has no rate
#                  option and Debian has no wrk2)
# bench/http_load.lua counts the answers by status (and prints the first non-2xx bodies); bench/http_load.py
# records, for each run, the load average, the machine's CPU, wrk's CPU, the server's CPU per thread (the
# writer, Jetty's pool, GC, JIT) and, when `perf` is installed (Debian: linux-perf) and may read syscall
# tracepoints, the server's fsync calls (commits; BENCH_PERF=0 turns this off).
# Afterwards `entourage sessions bench --format json` must show input_tokens = 1200 × the 201 answers (plus at
# most the requests still in flight when wrk stopped), before and after the server stops. The server is
# stopped with SIGTERM and must exit 0 within 10 s. Exit code: 0 if all checks pass, 1 otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

duration=15s warmup=20s conns=16 threads=2 rate=1000 port=0 db_dir="${TMPDIR:-/tmp}" db_url="" label="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --connections) conns="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --db-dir) db_dir="$2"; shift 2 ;;
    --db) db_url="$2"; shift 2 ;;
    --label) label="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "http_load.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in curl java python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "http_load.sh: $tool is needed" >&2; exit 2; }
done
if ! command -v wrk >/dev/null 2>&1; then
  echo "http_load.sh: wrk is needed. On Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y wrk" >&2
  echo "              (macOS: brew install wrk). It must be built with LuaJIT, as those packages are." >&2
  exit 2
fi

say() { printf '\n== %s\n' "$*"; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

say "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores${label:+ (label: $label)}"
if python3 -c 'import os,sys; sys.exit(0 if os.getloadavg()[0] > 0.5 else 1)'; then
  echo "   warning: the machine is busy; the figures will be lower. Busiest processes:"
  ps -eo pid,pcpu,comm --sort=-pcpu | sed -n '2,4p' | sed 's/^/   /'
fi

# 1. Build check, retried: someone's half-written file makes the build fail for a moment.
say "build check: ./entourage --version"
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  if ./entourage --version; then break; fi
  if [ "$attempt" = 10 ]; then echo "http_load.sh: the build keeps failing; giving up" >&2; exit 1; fi
  echo "   build failed (attempt $attempt); retrying in 30 s" >&2
  sleep 30
done

# 2. A temp directory with a private copy of the jar, a fresh DB, a key, the server and a session.
tmp="$(mktemp -d "$db_dir/entourage-http-load.XXXXXX")"
server_pid=""
failed=0
problems=()
problem() { problems+=("$*"); failed=1; }
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$keep" = 1 ] || [ "$failed" = 1 ]; then
    echo "temp files kept in $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'failed=1; exit 130' INT TERM
trap 'failed=1' ERR

cp mcp-server/target/entourage.jar "$tmp/entourage.jar"
java -jar "$tmp/entourage.jar" --version >/dev/null || { failed=1; echo "the jar copy does not run" >&2; exit 1; }
jar="$tmp/entourage.jar"
db="${db_url:-$tmp/entourage.db}"
results="$tmp/results.jsonl"

db_shown="in $db_dir"
# shown without the user, password and query of the URL
[ -z "$db_url" ] || db_shown="$(printf '%s' "${db_url%%\?*}" | sed 's|//[^@/]*@|//|')"
if [ -n "$db_url" ]; then say "fresh DB $db_shown"; else say "fresh DB $db"; fi
java -jar "$jar" init --json --db "$db" >"$tmp/init.json"
if [ "$(json_field created <"$tmp/init.json")" != True ]; then
  failed=1; echo "http_load.sh: --db must name an empty database (init found a ledger there)" >&2; exit 1
fi
agent_key="$(java -jar "$jar" keys create --role agent --agent bench --json --db "$db" | json_field key)"

# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of flags
java ${BENCH_JAVA_OPTS:-} -jar "$jar" serve --port "$port" --db "$db" --rate-limit-rpm 100000000 \
  >"$tmp/serve.log" 2>&1 &
server_pid=$!
base=""
for _ in $(seq 1 300); do
  if [ -z "$base" ]; then
    base="$(sed -n 's|.*listening on \(http://[^ ]*\).*|\1|p' "$tmp/serve.log" | head -1)"
  fi
  if [ -n "$base" ] && curl -sf "$base/healthz" >/dev/null 2>&1; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { failed=1; echo "the server exited:" >&2; cat "$tmp/serve.log" >&2; exit 1; }
  sleep 0.1
done
curl -sf "$base/healthz" >/dev/null || { failed=1; echo "no /healthz answer in 30 s" >&2; exit 1; }
case "$base" in http://127.0.0.1:*) ;; *) failed=1; echo "not on 127.0.0.1: $base" >&2; exit 1 ;; esac
echo "server pid $server_pid at $base (java: $(java -version 2>&1 | head -1))"

session_id="$(curl -sf -X POST "$base/api/v1/agents/bench/sessions" -H "X-API-Key: $agent_key" \
  -H 'Content-Type: application/json' -d '{"model":"claude-sonnet-4-20250514"}' | json_field id)"
echo "session $session_id"

usage_body='{"input_tokens":1200,"output_tokens":300}'
health_url="$base/healthz"
usage_url="$base/api/v1/sessions/$session_id/usage"
budget_url="$base/api/v1/agents/bench/budget"

# run NAME DURATION URL [METHOD BODY KEY RATE]
run() {
  local name="$1" dur="$2" url="$3"
  say "$name: ${4:-GET} $url, -t$threads -c$conns -d$dur${7:+, paced at $7 req/s}"
  BENCH_METHOD="${4:-GET}" BENCH_BODY="${5:-}" BENCH_KEY="${6:-}" BENCH_RATE="${7:-0}" BENCH_THREADS="$threads" \
    python3 "$here/http_load.py" run "$name" "$results" "$server_pid" -- \
    wrk -t"$threads" -c"$conns" -d"$dur" --latency -s "$here/http_load.lua" "$url" | tee -a "$tmp/wrk.out"
}

# 3. Warm-ups (JIT), then each measured run beside a /healthz run.
if [ "$warmup" != 0 ] && [ "$warmup" != 0s ]; then
  run "warm-up healthz" "$warmup" "$health_url"
  run "warm-up report_usage" "$warmup" "$usage_url" POST "$usage_body" "$agent_key"
  run "warm-up check_budget" "$warmup" "$budget_url" GET "" "$agent_key"
fi
run "healthz (before report_usage)" "$duration" "$health_url"
run "report_usage" "$duration" "$usage_url" POST "$usage_body" "$agent_key"
run "healthz (before check_budget)" "$duration" "$health_url"
run "check_budget saturated" "$duration" "$budget_url" GET "" "$agent_key"
run "healthz (before paced check_budget)" "$duration" "$health_url"
run "check_budget paced $rate/s" "$duration" "$budget_url" GET "" "$agent_key" "$rate"

# Durability: every 201 is a row; requests in flight when wrk stopped may be rows too (answers not counted).
counts="$(python3 - "$results" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
usage = [r for r in rows if r["name"] in ("report_usage", "warm-up report_usage")]
print(sum(r["statuses"].get("201", 0) for r in usage), sum(r["sent"] for r in usage),
      sum(r["non2xx"] + sum(r["errors"].values()) for r in rows))
EOF
)"
read -r created sent errors <<<"$counts"
db_tokens() {
  java -jar "$jar" sessions bench --format json --db "$db" | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["sessions"] if x["id"] == int(sys.argv[1])]
print(s[0]["input_tokens"])' "$session_id"
}
check_durable() {
  local tokens="$1" when="$2" rows
  rows=$((tokens / 1200))
  echo "$when: DB input_tokens = $tokens = 1200 x $rows rows; 201 answers: $created (x 1200 = $((created * 1200))); requests sent: $sent"
  if [ $((tokens % 1200)) -ne 0 ] || [ "$rows" -lt "$created" ] || [ "$rows" -gt "$sent" ]; then
    echo "   DURABILITY CHECK FAILED: expected $created <= rows <= $sent" >&2
    problem "durability ($when): $rows rows for $created 201 answers and $sent requests sent"
  elif [ "$rows" -eq "$created" ]; then
    echo "   ok: exactly one row per 201"
  else
    echo "   ok: one row per 201, plus $((rows - created)) requests in flight when wrk stopped (answers not read)"
  fi
}
say "durability"
tokens_running="$(db_tokens)"
check_durable "$tokens_running" "server running"

# 4. Graceful shutdown.
say "SIGTERM"
t0="$(date +%s%N)"
kill -TERM "$server_pid"
exit_code=""
for _ in $(seq 1 100); do
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if kill -0 "$server_pid" 2>/dev/null; then
  echo "   the server is still running 10 s after SIGTERM; killing it" >&2
  kill -KILL "$server_pid" 2>/dev/null || true
  problem "the server did not stop within 10 s of SIGTERM"
fi
set +e
wait "$server_pid"
exit_code=$?
set -e
t1="$(date +%s%N)"
server_pid=""
stop_ms=$(((t1 - t0) / 1000000))
echo "server exited with $exit_code, $stop_ms ms after SIGTERM (last log lines:)"
tail -3 "$tmp/serve.log" | sed 's/^/   /'
[ "$exit_code" = 0 ] || problem "the server exited with $exit_code after SIGTERM, not 0"
tokens_after="$(db_tokens)"
check_durable "$tokens_after" "after the stop"
[ "$tokens_after" = "$tokens_running" ] || problem "the DB changed after the run ($tokens_running -> $tokens_after)"
if grep -qiE 'exception|error' "$tmp/serve.log"; then
  echo "server log has errors:" >&2
  grep -iE 'exception|error' "$tmp/serve.log" | head -5 >&2
  problem "the server log has errors"
fi

say "results${label:+ ($label)}: -t$threads -c$conns, $duration per run, DB $db_shown, $(nproc) cores"
python3 "$here/http_load.py" table "$results"
echo
echo "non-2xx answers and socket errors over all runs: $errors"
echo "graceful stop: exit $exit_code after $stop_ms ms"
python3 - "$results" "$rate" <<'EOF'
import json, sys
rows = {r["name"]: r for r in map(json.loads, open(sys.argv[1]))}
u = rows["report_usage"]
p = rows[f"check_budget paced {sys.argv[2]}/s"]
def verdict(ok): return "met" if ok else "NOT met"
print(f"target report_usage >= 10,000 durable req/s with p99 <= 10 ms: {u['rps']:,.0f} req/s, "
      f"p99 {u['p99_us'] / 1000:.2f} ms -> {verdict(u['rps'] >= 10000 and u['p99_us'] <= 10000 and u['non2xx'] == 0)}")
print(f"target check_budget p99 <= 5 ms at {sys.argv[2]} req/s: achieved {p['rps']:,.0f} req/s, "
      f"p99 {p['p99_us'] / 1000:.2f} ms -> {verdict(p['p99_us'] <= 5000 and p['rps'] >= 0.95 * float(sys.argv[2]))}")
EOF
[ "$errors" = 0 ] || problem "$errors non-2xx answers or socket errors"
if [ "$failed" != 0 ]; then
  echo "CHECKS FAILED:" >&2
  printf '  - %s\n' "${problems[@]:-unknown}" >&2
  exit 1
fi
echo "all checks passed"
