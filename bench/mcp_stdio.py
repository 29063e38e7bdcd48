#!/usr/bin/env python3
"""Benchmark of the stdio MCP sidecar (`entourage mcp`), run by hand; not a test.

Speaks raw newline-delimited JSON-RPC (MCP protocolVersion 2025-06-18) over the child's stdin/stdout and
measures:

  (a) cold start, over --spawns fresh processes, each on a fresh temporary DB:
        spawn -> answer to `initialize`, and
        spawn -> answer to the first `tools/call` (initialize, notifications/initialized, start_session);
      then the time the process takes to exit once its stdin is closed;
  (b) warm `report_usage` round trips (write one line, read one line, one at a time): median/p90/p99 over
      --calls calls after --warmup warm-up calls;
  (c) resident memory (VmRSS, and the peak VmHWM, from /proc/PID/status) after those calls;
  (d) the same round trips for `check_budget`.

One unmeasured spawn comes first, so that the launcher's build of the jar (or of its class-data archive)
is not measured. Every response must be a JSON-RPC 2.0 result for the request's id and must not be a tool error (isError);
anything else stops the run with exit code 1. Reads time out (--timeout), so a hung sidecar cannot hang the
benchmark. Python 3 standard library only.

  python3 bench/mcp_stdio.py                       # ./entourage mcp --agent bench, 10 spawns, 1000 calls
  python3 bench/mcp_stdio.py --spawns 5 --calls 300
  python3 bench/mcp_stdio.py --cmd 'java -jar mcp-server/target/entourage.jar mcp --agent bench'

`--db <fresh temp file>` is appended to --cmd; the temporary files are removed at the end (kept on failure).
Compare launcher configurations with ENTOURAGE_CDS=off (no class-data archive) or ENTOURAGE_JAVA_OPTS=...
(added after the launcher's own flags). See bench/README.md.
"""

import argparse
import json
import os
import select
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PROTOCOL = "2025-06-18"
MODEL = "claude-sonnet-4-20250514"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class BenchError(Exception):
    pass


class Sidecar:
    """One child process and a line reader on its stdout with timeouts."""

    def __init__(self, cmd, db, timeout, stderr_path):
        self.timeout = timeout
        self.next_id = 0
        self.buffer = b""
        self.stderr_path = stderr_path
        self.stderr = open(stderr_path, "wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd + ["--db", db, "--create"], cwd=REPO, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr, bufsize=0)
        self.out = self.proc.stdout.fileno()

    def send(self, method, params=None, notify=False):
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        if not notify:
            self.next_id += 1
            message["id"] = self.next_id
        try:
            self.proc.stdin.write((json.dumps(message, separators=(",", ":")) + "\n").encode())
        except BrokenPipeError:
            raise BenchError(f"sidecar closed its stdin while sending {method}: {self.tail_stderr()}")
        return message.get("id")

    def read_line(self):
        deadline = time.perf_counter() + self.timeout
        while b"\n" not in self.buffer:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise BenchError(f"no answer within {self.timeout}s: {self.tail_stderr()}")
            ready, _, _ = select.select([self.out], [], [], left)
            if ready:
                chunk = os.read(self.out, 65536)
                if not chunk:
                    raise BenchError(f"sidecar closed stdout (exit {self.proc.poll()}): {self.tail_stderr()}")
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line

    def answer(self, request_id, what):
        """Reads the answer to request_id; fails on anything that is not a clean JSON-RPC result."""
        line = self.read_line()
        try:
            message = json.loads(line)
        except ValueError:
            raise BenchError(f"{what}: stdout line is not JSON: {line[:300]!r}")
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            raise BenchError(f"{what}: not a JSON-RPC 2.0 message: {line[:300]!r}")
        if message.get("id") != request_id:
            raise BenchError(f"{what}: expected the answer to id {request_id}, got: {line[:300]!r}")
        if "error" in message or not isinstance(message.get("result"), dict):
            raise BenchError(f"{what}: JSON-RPC error: {line[:300]!r}")
        result = message["result"]
        if result.get("isError"):
            raise BenchError(f"{what}: tool error: {line[:300]!r}")
        return result

    def call(self, method, params, what):
        return self.answer(self.send(method, params), what)

    def tool(self, name, arguments):
        result = self.call("tools/call", {"name": name, "arguments": arguments}, name)
        if "structuredContent" not in result:
            raise BenchError(f"{name}: result has no structuredContent: {json.dumps(result)[:300]}")
        return result

    def initialize(self):
        result = self.call("initialize", {"protocolVersion": PROTOCOL, "capabilities": {},
                                          "clientInfo": {"name": "entourage-bench", "version": "1"}},
                           "initialize")
        if result.get("protocolVersion") != PROTOCOL:
            raise BenchError(f"initialize: server answered protocolVersion {result.get('protocolVersion')!r}")
        self.send("notifications/initialized", notify=True)

    def memory(self):
        """VmRSS and VmHWM in MiB, summed over the child and its descendants (a wrapper may not exec)."""
        rss = hwm = 0
        names = []
        for pid in process_tree(self.proc.pid):
            status = read_status(pid)
            if status:
                names.append(status.get("Name", "?"))
                rss += kib(status.get("VmRSS"))
                hwm += kib(status.get("VmHWM"))
        return rss / 1024, hwm / 1024, names

    def cpu_seconds(self):
        """User + system CPU time so far of the child and its descendants (less sensitive to a busy machine)."""
        ticks = 0
        for pid in process_tree(self.proc.pid):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
            except (OSError, ValueError, IndexError):
                pass
        return ticks / os.sysconf("SC_CLK_TCK")

    def close_and_wait(self):
        """Closes stdin and returns the seconds until the process has exited (it must exit with 0)."""
        closed = time.perf_counter()
        self.proc.stdin.close()
        try:
            code = self.proc.wait(timeout=max(self.timeout, 10))
        except subprocess.TimeoutExpired:
            self.kill()
            raise BenchError(f"sidecar still running {max(self.timeout, 10)}s after stdin closed")
        took = time.perf_counter() - closed
        rest = self.proc.stdout.read()
        self.proc.stdout.close()
        self.stderr.close()
        if rest.strip() or self.buffer.strip():
            raise BenchError(f"unexpected stdout after the last answer: {(self.buffer + rest)[:300]!r}")
        if code != 0:
            raise BenchError(f"sidecar exited with {code}: {self.tail_stderr()}")
        if b"OutOfMemoryError" in open(self.stderr_path, "rb").read():
            raise BenchError(f"OutOfMemoryError on stderr: {self.tail_stderr()}")
        return took

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.stderr):
            try:
                stream.close()
            except (OSError, ValueError):
                pass

    def tail_stderr(self):
        try:
            self.stderr.flush()
            with open(self.stderr_path, "rb") as f:
                text = f.read().decode(errors="replace").strip()
        except OSError:
            text = ""
        return ("stderr: ..." + text[-1500:]) if text else "(stderr empty)"


def process_tree(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def read_status(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    except OSError:
        return None


def kib(value):
    return int(value.split()[0]) if value else 0


def percentile(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def cold_spawns(args, cmd, workdir):
    init_times, first_times, exit_times, cpu_times = [], [], [], []
    for i in range(args.spawns):
        db = os.path.join(workdir, f"cold-{i}", "bench.db")
        os.makedirs(os.path.dirname(db))
        sidecar = Sidecar(cmd, db, args.timeout, os.path.join(workdir, f"cold-{i}.stderr"))
        try:
            sidecar.initialize()
            init_times.append(time.perf_counter() - sidecar.started)
            sidecar.tool("start_session", {"model": MODEL})
            first_times.append(time.perf_counter() - sidecar.started)
            cpu_times.append(sidecar.cpu_seconds())
            exit_times.append(sidecar.close_and_wait())
        finally:
            sidecar.kill()
        print(f"  spawn {i + 1}/{args.spawns}: initialize {init_times[-1]:.3f}s, first tool answer "
              f"{first_times[-1]:.3f}s (CPU {cpu_times[-1]:.2f}s), exit after EOF {exit_times[-1]:.3f}s",
              file=sys.stderr)
    return init_times, first_times, exit_times, cpu_times


def prepare(args, cmd, workdir):
    """One unmeasured spawn, so that a build of the jar or of its class-data archive is not measured."""
    db = os.path.join(workdir, "prepare", "bench.db")
    os.makedirs(os.path.dirname(db))
    sidecar = Sidecar(cmd, db, max(args.timeout, 600), os.path.join(workdir, "prepare.stderr"))
    try:
        sidecar.initialize()
        sidecar.close_and_wait()
    finally:
        sidecar.kill()


def timed_calls(sidecar, name, make_arguments, warmup, calls):
    for i in range(warmup):
        sidecar.tool(name, make_arguments(f"w{i}"))
    times = []
    cpu = sidecar.cpu_seconds()
    for i in range(calls):
        arguments = make_arguments(f"c{i}")
        start = time.perf_counter()
        sidecar.tool(name, arguments)
        times.append(time.perf_counter() - start)
    return times, (sidecar.cpu_seconds() - cpu) / calls


def warm_run(args, cmd, workdir):
    db = os.path.join(workdir, "warm", "bench.db")
    os.makedirs(os.path.dirname(db))
    sidecar = Sidecar(cmd, db, args.timeout, os.path.join(workdir, "warm.stderr"))
    try:
        sidecar.initialize()
        sidecar.tool("start_session", {"model": MODEL})
        usage, usage_cpu = timed_calls(sidecar, "report_usage",
                            lambda tag: {"input_tokens": 1200, "output_tokens": 300,
                                         "event_id": f"bench-{os.getpid()}-{tag}"},
                            args.warmup, args.calls)
        usage_memory = sidecar.memory()
        budget, budget_cpu = timed_calls(sidecar, "check_budget", lambda tag: {}, args.warmup, args.calls)
        budget_memory = sidecar.memory()
        exit_time = sidecar.close_and_wait()
    finally:
        sidecar.kill()
    return (usage, usage_cpu), usage_memory, (budget, budget_cpu), budget_memory, exit_time


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cmd", default="./entourage mcp --agent bench",
                        help="the sidecar command, run from the repository root; --db is appended "
                             "(default: %(default)s)")
    parser.add_argument("--spawns", type=int, default=10, help="cold spawns (default: %(default)s)")
    parser.add_argument("--calls", type=int, default=1000, help="timed warm calls per tool (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up calls per tool (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds to wait for any one answer (default: %(default)s)")
    parser.add_argument("--db-dir", default=None,
                        help="where the temporary DBs go (default: the system temp dir); e.g. /dev/shm to take "
                             "the disk's fsync out of the figures")
    parser.add_argument("--label", default="", help="a label for the JSON line")
    args = parser.parse_args()
    if args.spawns < 1 or args.calls < 1 or args.warmup < 0:
        parser.error("--spawns and --calls must be at least 1, --warmup at least 0")
    cmd = shlex.split(args.cmd)

    workdir = tempfile.mkdtemp(prefix="entourage-bench-", dir=args.db_dir)
    try:
        print(f"preparing: one unmeasured spawn of `{args.cmd}` (it may build the jar first)", file=sys.stderr)
        prepare(args, cmd, workdir)
        print(f"cold spawns: {args.spawns}, each on a fresh DB", file=sys.stderr)
        init_times, first_times, exit_times, cpu_times = cold_spawns(args, cmd, workdir)
        print(f"warm: {args.warmup} warm-up + {args.calls} timed calls each of report_usage and check_budget",
              file=sys.stderr)
        (usage, usage_cpu), (rss_u, hwm_u, names), (budget, budget_cpu), (rss_b, hwm_b, _), warm_exit = \
            warm_run(args, cmd, workdir)
    except BenchError as e:
        print(f"mcp_stdio: FAILED: {e}\n(the sidecars' stderr and DBs are kept in {workdir})", file=sys.stderr)
        return 1
    shutil.rmtree(workdir, ignore_errors=True)

    ms = 1000.0
    figures = {
        "label": args.label,
        "cmd": args.cmd,
        "spawns": args.spawns,
        "calls": args.calls,
        "warmup": args.warmup,
        "initialize_s_median": round(statistics.median(init_times), 3),
        "first_answer_s_median": round(statistics.median(first_times), 3),
        "first_answer_s_min": round(min(first_times), 3),
        "first_answer_s_max": round(max(first_times), 3),
        "first_answer_cpu_s_median": round(statistics.median(cpu_times), 3),
        "exit_after_eof_s_median": round(statistics.median(exit_times + [warm_exit]), 3),
        "exit_after_eof_s_max": round(max(exit_times + [warm_exit]), 3),
        "report_usage_ms_median": round(statistics.median(usage) * ms, 3),
        "report_usage_ms_p90": round(percentile(usage, 90) * ms, 3),
        "report_usage_ms_p99": round(percentile(usage, 99) * ms, 3),
        "report_usage_cpu_ms_per_call": round(usage_cpu * ms, 3),
        "check_budget_ms_median": round(statistics.median(budget) * ms, 3),
        "check_budget_ms_p90": round(percentile(budget, 90) * ms, 3),
        "check_budget_ms_p99": round(percentile(budget, 99) * ms, 3),
        "check_budget_cpu_ms_per_call": round(budget_cpu * ms, 3),
        "rss_mib_after_report_usage": round(rss_u, 1),
        "rss_mib_after_check_budget": round(rss_b, 1),
        "peak_rss_mib": round(max(hwm_u, hwm_b), 1),
        "processes": names,
    }
    f = figures
    rows = [
        ("spawn -> initialize answer (median)", f"{f['initialize_s_median']:.3f} s"),
        ("spawn -> first tool answer (median)", f"{f['first_answer_s_median']:.3f} s"
                                                f"  (min {f['first_answer_s_min']:.3f}, max {f['first_answer_s_max']:.3f})"),
        ("CPU used by then (median, user+sys)", f"{f['first_answer_cpu_s_median']:.2f} s"),
        ("report_usage round trip median/p90/p99",
         f"{f['report_usage_ms_median']:.3f} / {f['report_usage_ms_p90']:.3f} / {f['report_usage_ms_p99']:.3f} ms"
         f"  (sidecar CPU {f['report_usage_cpu_ms_per_call']:.2f} ms a call)"),
        ("check_budget round trip median/p90/p99",
         f"{f['check_budget_ms_median']:.3f} / {f['check_budget_ms_p90']:.3f} / {f['check_budget_ms_p99']:.3f} ms"
         f"  (sidecar CPU {f['check_budget_cpu_ms_per_call']:.2f} ms a call)"),
        ("VmRSS after report_usage / check_budget", f"{f['rss_mib_after_report_usage']:.1f} / "
                                                   f"{f['rss_mib_after_check_budget']:.1f} MiB"
                                                   f"  (peak {f['peak_rss_mib']:.1f}, {'+'.join(names)})"),
        ("exit after stdin closes (median/max)",
         f"{f['exit_after_eof_s_median']:.3f} / {f['exit_after_eof_s_max']:.3f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(json.dumps(figures, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
