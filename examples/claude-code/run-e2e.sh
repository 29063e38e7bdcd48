#!/usr/bin/env bash
# End-to-end test with the real Claude Code CLI (CI runs it after `mvn -B verify`), no network beyond the npm
# registry: the pinned @anthropic-ai/claude-code runs `claude -p` against AnthropicStandIn (a local Messages API
# that answers every turn with the same Bash tool call: a runaway), configured only by
# `entourage install claude-code --scope project` in a temporary project. Entourage's team cap must stop it:
#   - the session appears (source claude_code, external_id = Claude Code's session id) with the stand-in's exact
#     token counts and Claude Code's own dollars (cost_source "reported", the sum equals Claude Code's total_cost_usd);
#   - a hook stops the loop (Claude Code ends with terminal_reason "hook_stopped" and the hook's "Entourage: …"
#     stop reason is in its output) and the stand-in served at most one model call after the one that crossed the cap;
#   - re-sending every OTLP body Claude Code sent (recorded by a proxy in front of the bridge) counts nothing twice.
# Then the gateway scenario (check_gateway.py): no hooks, ANTHROPIC_BASE_URL=http://127.0.0.1:PORT/anthropic and
# ANTHROPIC_CUSTOM_HEADERS='X-Entourage-Key: …'; Claude Code stops on the gateway's 429 billing_error and prints
# its spend-limit message, the ledger holds exactly the calls the stand-in served (within the cap plus one call),
# and the stand-in received no call after the refusal.
# Needs: java + the built jar (mcp-server/target/entourage.jar), python3, curl, npm (registry access; the CLI goes to
# a temporary directory). CLAUDE=/path/to/claude skips the npm install (then the version must still match).
set -euo pipefail

CLAUDE_CODE_VERSION=2.1.332
CAP_USD=0.10          # the team's daily limit: the runaway crosses it on its 4th call ($0.0318 a call)
DELAY_MS=2500         # the stand-in's latency per model call (a real call takes seconds)
MAX_TURNS=12          # Claude Code's own bound, far above where the cap must stop it
# The gateway scenario: Claude Code's calls go through /anthropic, whose hold covers all of max_tokens at the
# output price plus the input estimate (about $0.5 here), so the cap sits above one hold; a call settles at $0.02685.
GW_CAP_USD=0.75
GW_MODEL=claude-sonnet-4-5
GW_DELAY_MS=200
GW_MAX_TURNS=40

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$root/mcp-server/target/entourage.jar"
standin_src="$root/examples/src/main/java/dev/entourage/examples/standin"
[ -f "$jar" ] || { echo "claude-code e2e: build first (mvn -B verify)" >&2; exit 1; }
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${KEEP_WORK:-}" = 1 ]; then echo "claude-code e2e: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "claude-code e2e: FAILED: $*" >&2
  for f in serve.log standin.log AnthropicStandIn.err Recorder.err claude.err install.out gw-serve.log \
    gw-claude.err gw-claude.out; do
    [ -s "$work/$f" ] && { echo "--- $f (tail)" >&2; tail -n 30 "$work/$f" >&2; }
  done
  exit 1
}

entourage() { java -jar "$jar" "$@"; }
. "$root/examples/lib.sh"
# start_tool NAME VAR ARGS...: start a single-file Java tool of examples/.../standin (in this shell, so the trap
# stops it) and set VAR to its port once it listens.
start_tool() {
  local name="$1" var="$2"; shift 2
  java "$standin_src/$name.java" --port 0 "$@" >"$work/$name.port" 2>>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 1 150); do
    if grep -q '^listening on ' "$work/$name.port" 2>/dev/null; then
      printf -v "$var" '%s' "$(sed -n 's/^listening on //p' "$work/$name.port")"
      return 0
    fi
    sleep 0.2
  done
  fail "$name did not start"
}

# capped_ledger DB CAP ADMIN_VAR KEY_VAR: a new ledger whose default team has a daily limit of CAP dollars and an
# agent "runaway"; sets ADMIN_VAR to its admin key and KEY_VAR to an agent key of runaway.
capped_ledger() {
  local admin_key agent_key
  admin_key="$(entourage init --json --db "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_key"])')"
  entourage teams set default --daily-limit "$2" --db "$1" >/dev/null
  entourage agents set runaway --db "$1" >/dev/null
  agent_key="$(entourage keys create --role agent --agent runaway --json --db "$1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')"
  printf -v "$3" '%s' "$admin_key"
  printf -v "$4" '%s' "$agent_key"
}
# trusted_project DIR HOME: a git project Claude Code trusts (HOME/.claude.json) and may run `echo hi` in, by the
# test's own settings in settings.local.json.
trusted_project() {
  mkdir -p "$1/.claude" "$2"
  git -C "$1" init -q -b runaway-branch
  printf '{"projects":{"%s":{"hasTrustDialogAccepted":true}}}\n' "$1" >"$2/.claude.json"
  printf '{"permissions":{"allow":["Bash(echo hi)"]}}\n' >"$1/.claude/settings.local.json"
}

echo "== Claude Code $CLAUDE_CODE_VERSION (npm, into a temporary directory)"
if [ -n "${CLAUDE:-}" ]; then
  claude="$CLAUDE"
else
  (cd "$work" && npm install --silent --no-audit --no-fund --prefix "$work/npm" \
    "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" >/dev/null 2>"$work/npm.err") || { cat "$work/npm.err" >&2; exit 1; }
  claude="$work/npm/node_modules/.bin/claude"
  # The wrapper's postinstall links the platform binary over bin/claude.exe; when scripts did not run, use it directly.
  if ! "$claude" --version >/dev/null 2>&1; then
    claude="$(ls "$work"/npm/node_modules/@anthropic-ai/claude-code-linux-*/claude 2>/dev/null | head -n 1)"
  fi
fi
version="$("$claude" --version 2>/dev/null || true)"
case "$version" in
  "$CLAUDE_CODE_VERSION "*) echo "ok: $version" ;;
  *) fail "expected Claude Code $CLAUDE_CODE_VERSION, got '${version:-nothing}' from $claude" ;;
esac

echo "== a ledger with a \$$CAP_USD team cap, an agent key, the bridge, the stand-in and a recording proxy"
db="$work/ledger.db"
capped_ledger "$db" "$CAP_USD" admin key
port="$(free_port)"
java -jar "$jar" serve --port "$port" --db "$db" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_up "$port" || fail "the bridge did not start"
bridge="http://127.0.0.1:$port"
start_tool AnthropicStandIn standin_port --delay-ms "$DELAY_MS" --log "$work/standin.log"
# Everything Claude Code sends to Entourage (hooks, OTLP) goes through this proxy, which keeps the raw bodies.
start_tool Recorder proxy_port --dir "$work/rec" --forward "$bridge"
proxy="http://127.0.0.1:$proxy_port"

echo "== a project configured by entourage install claude-code --scope project"
proj="$work/project"
home="$work/home"
# The workspace is trusted (else project permissions are ignored) and may run `echo hi` without asking: the
# test's own settings, in settings.local.json, beside what install writes.
trusted_project "$proj" "$home"
(cd "$proj" && HOME="$home" java -jar "$jar" install claude-code --scope project --agent runaway --key "$key" \
  --url "$proxy" --db "$db" >"$work/install.out" 2>&1) || fail "entourage install claude-code failed"
echo "ok: entourage install claude-code --scope project wrote" \
  "$(cd "$proj" && ls .claude/settings.json .mcp.json "$home/.claude/settings.json" 2>/dev/null | xargs)"

echo "== claude -p on the runaway (at most $MAX_TURNS turns, ${DELAY_MS} ms a model call)"
set +e
(cd "$proj" && env -i PATH="$PATH" HOME="$home" LANG=C.UTF-8 ANTHROPIC_BASE_URL="http://127.0.0.1:$standin_port" \
  ANTHROPIC_API_KEY=dummy timeout 180 "$claude" -p "Say hi with bash, again and again." --max-turns "$MAX_TURNS" \
  --output-format stream-json --verbose --include-hook-events >"$work/claude.out" 2>"$work/claude.err")
claude_rc=$?
set -e
echo "claude exited $claude_rc"
sleep 2   # the exporter's last flush (at exit) has been answered; let the bridge commit it
curl -fs "http://127.0.0.1:$standin_port/_standin/calls" >"$work/calls.ndjson" || fail "no calls from the stand-in"

python3 "$root/examples/claude-code/check_e2e.py" --bridge "$bridge" --admin-key "$admin" --key "$key" \
  --agent runaway --cap "$CAP_USD" --max-turns "$MAX_TURNS" --claude-out "$work/claude.out" \
  --calls "$work/calls.ndjson" --rec "$work/rec" --project "$proj" || fail "the assertions above"
echo "claude-code e2e: hooks scenario ok"

echo "== the gateway: claude -p with ANTHROPIC_BASE_URL at /anthropic, no hooks, a \$$GW_CAP_USD team cap"
gdb="$work/gateway.db"
capped_ledger "$gdb" "$GW_CAP_USD" gadmin gkey
start_tool AnthropicStandIn gw_standin_port --delay-ms "$GW_DELAY_MS" --log "$work/gw-standin.log"
gport="$(free_port)"
java -jar "$jar" serve --port "$gport" --db "$gdb" --anthropic-upstream "http://127.0.0.1:$gw_standin_port" \
  >"$work/gw-serve.log" 2>&1 &
pids+=($!)
wait_up "$gport" || fail "the gateway's bridge did not start"
gproj="$work/gw-project"
ghome="$work/gw-home"
trusted_project "$gproj" "$ghome"
set +e
(cd "$gproj" && env -i PATH="$PATH" HOME="$ghome" LANG=C.UTF-8 ANTHROPIC_API_KEY=dummy \
  ANTHROPIC_BASE_URL="http://127.0.0.1:$gport/anthropic" ANTHROPIC_CUSTOM_HEADERS="X-Entourage-Key: $gkey" \
  timeout 180 "$claude" -p "Say hi with bash, again and again." --model "$GW_MODEL" --max-turns "$GW_MAX_TURNS" \
  --output-format stream-json --verbose >"$work/gw-claude.out" 2>"$work/gw-claude.err")
gclaude_rc=$?
set -e
echo "claude exited $gclaude_rc"
curl -fs "http://127.0.0.1:$gw_standin_port/_standin/calls" >"$work/gw-calls.ndjson" || fail "no calls from the stand-in"
python3 "$root/examples/claude-code/check_gateway.py" --bridge "http://127.0.0.1:$gport" --admin-key "$gadmin" \
  --agent runaway --cap "$GW_CAP_USD" --max-turns "$GW_MAX_TURNS" --claude-out "$work/gw-claude.out" \
  --calls "$work/gw-calls.ndjson" --serve-log "$work/gw-serve.log" || fail "the gateway scenario's assertions"
echo "claude-code e2e: ok"
