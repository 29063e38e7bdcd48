#!/usr/bin/env python3
"""Assertions of examples/claude-code/run-e2e.sh, after `claude -p` ran the runaway against the stand-in.

Reads Claude Code's stream-json output, the calls the stand-in served, the bodies the recording proxy kept and
Entourage's REST answers; prints one line per check and exits 1 if any failed (all checks run).
"""
import argparse
import glob
import json
import os
import sys
import urllib.error
import urllib.request
from decimal import Decimal

MICROS = Decimal(1_000_000)
failures = []


def check(ok, what, detail=""):
    print(("ok: " if ok else "FAIL: ") + what + ("" if ok or not detail else f" ({detail})"))
    if not ok:
        failures.append(what)
    return ok


def micros(usd):
    return int((Decimal(str(usd)) * MICROS).to_integral_value())


def http(method, url, key, body=None, content_type=None):
    request = urllib.request.Request(url, data=body, method=method, headers={"X-API-Key": key})
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def get_json(url, key):
    status, body = http("GET", url, key)
    if status != 200:
        raise SystemExit(f"FAIL: GET {url} answered {status}: {body[:300]!r}")
    return json.loads(body, parse_float=Decimal)


def read_claude(path):
    lines = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line, parse_float=Decimal))
                except ValueError:
                    pass
    return lines


def stop_reasons(lines):
    """The stop reasons of hook answers that said continue:false, as Claude Code reports them."""
    reasons = []
    for line in lines:
        if line.get("type") == "system" and line.get("subtype") == "hook_response":
            try:
                output = json.loads(line.get("output") or "{}")
            except ValueError:
                continue
            if isinstance(output, dict) and output.get("continue") is False:
                reasons.append((line.get("hook_event"), output.get("stopReason") or ""))
    return reasons


def spent_at(events, count):
    return sum(micros(e["cost_usd"]) for e in events[:count])


def session_state(bridge, key, agent, external_id):
    sessions = get_json(f"{bridge}/api/v1/agents/{agent}/sessions?limit=100", key)["sessions"]
    found = [s for s in sessions if s.get("external_id") == external_id]
    if not found and len(sessions) == 1 and "external_id" not in sessions[0]:
        found = sessions  # a wire without external_id yet: the check below fails, the others still run
    if not found:
        return None, []
    session = found[0]
    events = get_json(f"{bridge}/api/v1/sessions/{session['id']}/usage?limit=1000", key)["events"]
    return session, events


def main():
    p = argparse.ArgumentParser()
    for name in ("bridge", "admin-key", "key", "agent", "cap", "max-turns", "claude-out", "calls", "rec", "project"):
        p.add_argument("--" + name, required=True)
    a = p.parse_args()
    cap = micros(a.cap)

    lines = read_claude(a.claude_out)
    init = next((l for l in lines if l.get("type") == "system" and l.get("subtype") == "init"), {})
    result = next((l for l in reversed(lines) if l.get("type") == "result"), {})
    sid = init.get("session_id") or result.get("session_id")
    if not check(bool(sid), "Claude Code ran and printed its session id (stream-json init)"):
        return 1
    calls = [json.loads(l) for l in open(a.calls, encoding="utf-8") if l.strip()]
    calls = [c for c in calls if "error" not in c]
    by_request = {c["request_id"]: c for c in calls}
    n = len(calls)
    print(f"info: the stand-in served {n} model calls; Claude Code says total_cost_usd={result.get('total_cost_usd')}, "
          f"terminal_reason={result.get('terminal_reason')}, num_turns={result.get('num_turns')}")

    # 1. The session, with the model's exact tokens and Claude Code's dollars.
    session, events = session_state(a.bridge, a.admin_key, a.agent, sid)
    if not check(session is not None, f"{a.agent} has a session"):
        return 1
    check(session.get("external_id") == sid, "the session's external_id is Claude Code's session id",
          session.get("external_id"))
    check(session.get("source") == "claude_code", "the session's source is claude_code", session.get("source"))
    charged = [e for e in events if not e.get("claim")]
    check(len(charged) == n, f"one usage event per model call ({n})", f"{len(charged)} events")
    check({e.get("event_id") for e in charged} == set(by_request),
          "the events' ids are the stand-in's request-id headers", sorted(e.get("event_id") for e in charged)[:6])
    exact = all(e["input_tokens"] == by_request[e["event_id"]]["input"]
                and e["output_tokens"] == by_request[e["event_id"]]["output"]
                and e["cache_creation_input_tokens"] == by_request[e["event_id"]]["cache_write"]
                and e["cache_read_input_tokens"] == by_request[e["event_id"]]["cache_read"]
                for e in charged if e.get("event_id") in by_request)
    check(exact and len(charged) == n, "every event has the stand-in's exact token counts (input, output, cache)")
    totals = {k: sum(c[v] for c in calls) for k, v in (("input_tokens", "input"), ("output_tokens", "output"),
              ("cache_creation_input_tokens", "cache_write"), ("cache_read_input_tokens", "cache_read"))}
    check(all(session.get(k) == v for k, v in totals.items()), "the session's token totals are the calls' sums",
          {k: (session.get(k), v) for k, v in totals.items()})
    check(all(e.get("cost_source") == "reported" for e in charged), "every event's cost_source is reported",
          {e.get("cost_source") for e in charged})
    claude_total = micros(result.get("total_cost_usd", 0))
    ledger_total = micros(session.get("cost_usd", 0))
    check(abs(ledger_total - claude_total) <= n, "the session's cost is Claude Code's own total_cost_usd",
          f"ledger {ledger_total} micros, Claude Code {claude_total} micros")

    metric = session.get("metric_cost_usd")
    check(metric is not None and micros(metric) == ledger_total and session.get("metric_mismatch") is False,
          "the cost metric (cross-check) agrees with the events", f"metric_cost_usd {metric}, "
          f"metric_mismatch {session.get('metric_mismatch')}")
    check(session.get("api_errors") == 0 and session.get("captured") is True, "captured, with no API errors",
          f"captured {session.get('captured')}, api_errors {session.get('api_errors')}")

    # 2. The cap stopped the loop, by a hook, at most one call after the call that crossed it.
    ordered = sorted(charged, key=lambda e: by_request.get(e.get("event_id"), {}).get("seq", 0))
    spent, crossing = 0, None
    for index, e in enumerate(ordered, start=1):
        spent += micros(e["cost_usd"])
        if crossing is None and spent >= cap:
            crossing = index
    check(crossing is not None, f"the runaway crossed the ${a.cap} cap", f"spent {spent} micros")
    if crossing is not None:
        print(f"info: call {crossing} crossed the cap (${Decimal(spent_at(ordered, crossing)) / MICROS} spent), "
              f"{n - crossing} call(s) served after it")
        check(n - crossing <= 1, "the overshoot is at most one model call",
              f"call {crossing} crossed the cap, {n - crossing} served after it")
    check(n < int(a.max_turns), f"the loop stopped before --max-turns {a.max_turns}", f"{n} calls")
    check(result.get("terminal_reason") == "hook_stopped", "Claude Code says a hook stopped it",
          result.get("terminal_reason"))
    reasons = stop_reasons(lines)
    check(any(r.startswith("Entourage: ") and "daily limit" in r for _, r in reasons),
          "the hook's stop reason (\"Entourage: … daily limit …\") is in Claude Code's output", reasons)
    for event, reason in reasons:
        print(f"info: {event} hook stopped it: {reason}")

    # 3. The session knows where it ran, and was ended.
    check(session.get("cwd") == os.path.realpath(a.project) or session.get("cwd") == a.project,
          "the session's cwd is the project (SessionStart)", session.get("cwd"))
    check(session.get("status") != "active", "the session is no longer active (SessionEnd)", session.get("status"))

    # 4. Re-sending what the exporter sent counts nothing twice.
    bodies = sorted(glob.glob(os.path.join(a.rec, "otlp-*")))
    bodies = [b for b in bodies if not b.endswith(".headers.txt") and not b.endswith(".gz")]
    check(any("otlp-logs" in b for b in bodies), "the proxy recorded Claude Code's OTLP log exports", len(bodies))
    resent_ok = True
    for body_file in bodies:
        path = "/v1/logs" if "otlp-logs" in body_file else "/v1/metrics"
        content_type = "application/json" if body_file.endswith(".json") else "application/x-protobuf"
        with open(body_file, "rb") as f:
            status, answer = http("POST", a.bridge + path, a.key, f.read(), content_type)
        resent_ok &= status == 200
        if status != 200:
            print(f"info: re-sending {os.path.basename(body_file)} answered {status}: {answer[:200]!r}")
    check(resent_ok, f"the bridge accepted the {len(bodies)} re-sent OTLP bodies (200)")
    again, events_again = session_state(a.bridge, a.admin_key, a.agent, sid)
    check(again is not None and again.get("cost_usd") == session.get("cost_usd")
          and len([e for e in events_again if not e.get("claim")]) == len(charged),
          "after the re-send the session's cost and events are unchanged",
          f"{session.get('cost_usd')} -> {again and again.get('cost_usd')}")
    check(again is not None and all(again.get(k) == session.get(k) for k in totals),
          "after the re-send the token totals are unchanged")
    check(again is not None and again.get("metric_cost_usd") == session.get("metric_cost_usd")
          and again.get("metric_mismatch") is False, "after the re-send the metric total is unchanged",
          f"{session.get('metric_cost_usd')} -> {again and again.get('metric_cost_usd')}")

    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
