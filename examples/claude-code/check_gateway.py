#!/usr/bin/env python3
"""Assertions of the gateway scenario of examples/claude-code/run-e2e.sh: `claude -p` on the runaway with
ANTHROPIC_BASE_URL at the bridge's /anthropic and its Entourage key in ANTHROPIC_CUSTOM_HEADERS, no hooks.

Reads Claude Code's stream-json output, the calls the stand-in served, the bridge's log and Entourage's REST
answers; prints one line per check and exits 1 if any failed (all checks run).
"""
import argparse
import json
import sys
import time
from decimal import Decimal

from check_e2e import check, failures, get_json, micros, read_claude


def main():
    p = argparse.ArgumentParser()
    for name in ("bridge", "admin-key", "agent", "cap", "max-turns", "claude-out", "calls", "serve-log"):
        p.add_argument("--" + name, required=True)
    a = p.parse_args()
    cap = micros(a.cap)

    lines = read_claude(a.claude_out)
    result = next((l for l in reversed(lines) if l.get("type") == "result"), {})
    sid = result.get("session_id")
    calls = [json.loads(l) for l in open(a.calls, encoding="utf-8") if l.strip()]
    calls = [c for c in calls if "error" not in c]
    n = len(calls)
    print(f"info: the stand-in served {n} model calls; Claude Code says: {result.get('result')!r}, "
          f"total_cost_usd={result.get('total_cost_usd')}, num_turns={result.get('num_turns')}")

    # 1. Claude Code stopped at the cap, showing the gateway's refusal.
    check(result.get("api_error_status") == 429 and result.get("api_error_type") == "billing_error",
          "Claude Code ended on the gateway's 429 billing_error", (result.get("api_error_status"),
                                                                   result.get("api_error_type")))
    check(str(result.get("result", "")).startswith("API Error: Request rejected (429) · spend limit reached (team "
                                                   f"daily ${Decimal(a.cap):.2f}; resets "),
          "Claude Code printed the spend-limit message", result.get("result"))
    check(2 <= n < int(a.max_turns), f"the loop ran, then stopped before --max-turns {a.max_turns}", f"{n} calls")
    refusals = sum(1 for line in open(a.serve_log, encoding="utf-8") if "gateway: refused a call" in line)
    check(refusals == 1, "the gateway refused one call and Claude Code did not retry it", f"{refusals} refusals")
    refused_at = next((l.get("timestamp") for l in lines if l.get("error") and l.get("timestamp")), None)
    check(refused_at is not None and all(c["at"] < refused_at for c in calls),
          "the stand-in received no call after the refusal", f"refusal seen at {refused_at}, last call "
          f"{max((c['at'] for c in calls), default=None)}")

    # 2. The ledger: every call the stand-in served, exactly, and within the cap (each is recorded just after its
    # answer ends: wait until nothing is held).
    budget = get_json(f"{a.bridge}/api/v1/agents/{a.agent}/budget", a.admin_key)
    for _ in range(50):
        if micros(budget["team_daily_held_usd"]) == 0:
            break
        time.sleep(0.1)
        budget = get_json(f"{a.bridge}/api/v1/agents/{a.agent}/budget", a.admin_key)
    sessions = get_json(f"{a.bridge}/api/v1/agents/{a.agent}/sessions?limit=100", a.admin_key)["sessions"]
    session = next((s for s in sessions if s.get("external_id") == sid), None)
    if not check(session is not None, "the gateway's session is Claude Code's (external_id = its session id)"):
        return 1
    events = get_json(f"{a.bridge}/api/v1/sessions/{session['id']}/usage?limit=1000", a.admin_key)["events"]
    by_request = {c["request_id"]: c for c in calls}
    check({e.get("event_id") for e in events} == set(by_request) and len(events) == n,
          f"one usage event per call served ({n}), named by its request-id", f"{len(events)} events")
    check(all(e["input_tokens"] == by_request[e["event_id"]]["input"]
              and e["output_tokens"] == by_request[e["event_id"]]["output"]
              and e["cache_creation_input_tokens"] == by_request[e["event_id"]]["cache_write"]
              and e["cache_read_input_tokens"] == by_request[e["event_id"]]["cache_read"]
              for e in events if e.get("event_id") in by_request),
          "every event has the stand-in's exact token counts (input, output, cache)")
    spent = micros(budget["team_daily_spent_usd"])
    largest = max((micros(e["cost_usd"]) for e in events), default=0)
    check(spent == sum(micros(e["cost_usd"]) for e in events), "the team's spend is the sum of the events")
    check(abs(spent - micros(result.get("total_cost_usd", 0))) <= n,
          "the ledger's total is Claude Code's own total_cost_usd", f"{spent} vs {result.get('total_cost_usd')}")
    check(spent <= cap + largest, "the spend is at most the cap plus one request",
          f"spent {spent} micros, cap {cap}, largest call {largest}")
    check(micros(budget["team_daily_held_usd"]) == 0, "nothing is still held", budget["team_daily_held_usd"])

    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
