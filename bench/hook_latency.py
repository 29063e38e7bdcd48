#!/usr/bin/env python3
"""Latency of Claude Code hook decisions (POST /hooks/claude-code) on loopback, with a full ledger.

Run by hand from the repository root; it is not a test and CI does not run it. A default run takes a few minutes
on two cores (most of it is filling the ledger).

    ./entourage --version                       # build the jar first if the sources changed
    python3 bench/hook_latency.py               # 100,000 usage events, then 3 x 2,000 timed PreToolUse decisions
    python3 bench/hook_latency.py --events 20000 --calls 500 --label quick
    python3 bench/hook_latency.py --db-dir /dev/shm     # the ledger on tmpfs: takes fsync out of the figures

Steps: a private copy of mcp-server/target/entourage.jar in a temp directory, `init` on a fresh DB, the team's
daily limit set very high (so every decision evaluates a real limit and never stops), an agent key for agent
`bench`. The ledger is filled on a copy under --fill-dir (default /dev/shm, so that filling is not bound by fsync
on a shared machine) by bench/HookBenchFill.java, run with the jar on its class path: --events usage reports
over 100 sessions of `bench` through the ledger's own UsageService (report_usage's code path) from --threads
threads. `entourage backup` then copies the ledger into --db-dir, and `serve --rate-limit-rpm 100000000` on a
free port serves that copy for the measurement. Then, one request at a time on one
keep-alive connection (http.client), --calls timed hook calls of a recorded Claude Code 2.1.332 PreToolUse
body, in three phases:

  pre_tool_use read-only    the same session, loop guard off: a decision is a read (budget + session state)
  pre_tool_use loop guard   `max_repeated_tool_calls 1000` and a new command each call: each decision also
                            saves the session's hook state (one durable write)
  post_tool_batch           the same session, loop guard off

The fill program also times --calls PreToolUse decisions in process (HookService.decide on the fill copy, no
HTTP, after as many untimed): the service's own share. Before the HTTP phases, 3 x --warmup untimed calls alternate the three kinds (JIT). Each answer must be 200 with `{}` (within budget, no threshold crossed). It prints p50, p90, p99 and max (nearest
rank, milliseconds, client round trip including Python's own overhead) and one JSON line with every figure.
Exit 1 when an answer is wrong or the server fails.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRE_TOOL_USE = {
    "session_id": "bench-claude-code-session", "transcript_path": "/tmp/bench/transcript.jsonl", "cwd": "/tmp/bench",
    "prompt_id": "d34b3a08-5f80-49f4-a0e5-e0a4d214502e", "permission_mode": "default", "effort": {"level": "medium"},
    "hook_event_name": "PreToolUse", "tool_name": "Bash",
    "tool_input": {"command": "echo hi", "description": "Print hi"}, "tool_use_id": "toolu_bench000001"}


def run(jar, *args, db):
    out = subprocess.run(["java", "-jar", jar, *args, "--db", db], check=True, capture_output=True, text=True)
    return out.stdout


def serve(jar, db, tmp, name):
    log_path = os.path.join(tmp, name + "-serve.log")
    log = open(log_path, "w")
    server = subprocess.Popen(["java", "-jar", jar, "serve", "--port", "0", "--db", db,
                               "--rate-limit-rpm", "100000000"], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        with open(log_path) as f:
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", f.read())
        if found:
            return server, int(found.group(1))
        if server.poll() is not None:
            raise SystemExit("hook_latency: the server exited; see " + log_path)
        time.sleep(0.1)
    raise SystemExit("hook_latency: the server did not start in 60 s")


def stop(server):
    server.terminate()
    if server.wait(timeout=15) != 0:
        raise SystemExit("hook_latency: the server did not exit 0 on SIGTERM")


def percentile(sorted_values, p):
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def measure(conn, key, body_of, warmup, calls):
    timings = []
    for i in range(warmup + calls):
        body = json.dumps(body_of(i)).encode()
        start = time.perf_counter_ns()
        conn.request("POST", "/hooks/claude-code", body, {"X-API-Key": key, "Content-Type": "application/json"})
        response = conn.getresponse()
        answer = response.read()
        elapsed = time.perf_counter_ns() - start
        if response.status != 200 or answer.strip() != b"{}":
            raise SystemExit(f"hook_latency: unexpected answer {response.status} {answer[:300]!r}")
        if i >= warmup:
            timings.append(elapsed / 1e6)
    timings.sort()
    if not timings:
        return None
    return {"p50_ms": round(percentile(timings, 50), 3), "p90_ms": round(percentile(timings, 90), 3),
            "p99_ms": round(percentile(timings, 99), 3), "max_ms": round(timings[-1], 3), "calls": len(timings)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--warmup", type=int, default=1500)
    parser.add_argument("--threads", type=int, default=4, help="threads filling the ledger")
    parser.add_argument("--db-dir", default=tempfile.gettempdir(), help="where the measured ledger lives")
    parser.add_argument("--fill-dir", default="/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir(),
                        help="where the ledger is filled before it is copied (entourage backup) to --db-dir")
    parser.add_argument("--label", default="")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    source_jar = os.path.join(ROOT, "mcp-server", "target", "entourage.jar")
    if not os.path.exists(source_jar):
        raise SystemExit("hook_latency: build the jar first (./entourage --version)")
    tmp = tempfile.mkdtemp(prefix="entourage-hook-latency.", dir=args.db_dir)
    jar = os.path.join(tmp, "entourage.jar")
    shutil.copy(source_jar, jar)
    db = os.path.join(tmp, "entourage.db")
    server = None
    ok = False
    try:
        json.loads(run(jar, "init", "--json", db=db))
        run(jar, "teams", "set", "default", "--daily-limit", "1000000", db=db)
        key = json.loads(run(jar, "keys", "create", "--role", "agent", "--agent", "bench", "--json", db=db))["key"]
        fill_db = os.path.join(args.fill_dir, os.path.basename(tmp) + ".fill.db")
        run(jar, "backup", fill_db, db=db)
        filled = subprocess.run(["java", "-cp", jar, os.path.join(ROOT, "bench", "HookBenchFill.java"), fill_db,
                                 "bench", str(args.events), "100", str(args.threads), str(args.calls)],
                                check=True, capture_output=True, text=True).stdout.split()
        fill_seconds = float(filled[1])
        in_process = {"p50_ms": round(float(filled[2]), 3), "p99_ms": round(float(filled[3]), 3), "calls": args.calls}
        print(f"filled: {args.events} usage events in {fill_seconds:.1f} s ({args.events / fill_seconds:.0f}/s from "
              f"{args.threads} threads, in process)")
        print(f"in process (HookService.decide, no HTTP): p50 {in_process['p50_ms']} ms, "
              f"p99 {in_process['p99_ms']} ms over {args.calls} PreToolUse decisions")
        os.remove(db)
        run(jar, "backup", db, db=fill_db)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(fill_db + suffix):
                os.remove(fill_db + suffix)
        server, port = serve(jar, db, tmp, "measure")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        results = {"label": args.label, "events": args.events, "fill_seconds": round(fill_seconds, 1),
                   "load_average": os.getloadavg()[0], "cores": os.cpu_count(), "in_process_decide": in_process}

        def varied(i):
            body = dict(PRE_TOOL_USE)
            body["tool_input"] = {"command": f"echo {i} {random.random()}", "description": "Print"}
            return body
        batch = dict(PRE_TOOL_USE, hook_event_name="PostToolBatch")
        batch.pop("tool_name")
        batch.pop("tool_input")
        kinds = [lambda i: PRE_TOOL_USE, varied, lambda i: batch]
        measure(conn, key, lambda i: kinds[i % 3](i), 3 * args.warmup, 0)
        results["pre_tool_use_read_only"] = measure(conn, key, lambda i: PRE_TOOL_USE, 0, args.calls)
        run(jar, "teams", "set", "default", "--max-repeated-tool-calls", "1000", db=db)
        results["pre_tool_use_loop_guard"] = measure(conn, key, varied, 0, args.calls)
        run(jar, "teams", "set", "default", "--max-repeated-tool-calls", "off", db=db)
        results["post_tool_batch"] = measure(conn, key, lambda i: batch, 0, args.calls)
        conn.close()

        print(f"{'phase':<28}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}{'max ms':>10}")
        for phase in ("pre_tool_use_read_only", "pre_tool_use_loop_guard", "post_tool_batch"):
            r = results[phase]
            print(f"{phase:<28}{r['p50_ms']:>10}{r['p90_ms']:>10}{r['p99_ms']:>10}{r['max_ms']:>10}")
        print(json.dumps(results))
        ok = True
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(timeout=15)
        if "fill_db" in locals():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(fill_db + suffix):
                    os.remove(fill_db + suffix)
        if ok and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("temp files kept in " + tmp, file=sys.stderr)


if __name__ == "__main__":
    main()
