#!/usr/bin/env python3
"""Helper of bench/http_load.sh (python3 standard library only; Linux /proc).

  http_load.py run NAME RESULTS SERVER_PID -- wrk ARGS...
      Runs wrk once, reads the BENCH_RESULT line that bench/http_load.lua prints, and appends one JSON line
      to RESULTS with wrk's figures and, for the same interval: the load average, the machine's busy CPU,
      wrk's own CPU (rusage), and the server's CPU in total and per thread (from /proc/PID/task), grouped
      by thread name (the writer, Jetty's pool, GC, JIT).
  http_load.py table RESULTS
      Prints the figures as a Markdown table (ratios against the /healthz run just before each run) and the
      server's CPU per thread group.
"""
import json
import os
import re
import subprocess
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")


def proc_ticks(path):
    """utime+stime of /proc/.../stat, in ticks."""
    with open(path) as f:
        data = f.read()
    rest = data[data.rindex(")") + 2:].split()
    return int(rest[11]) + int(rest[12])


def thread_snapshot(pid):
    threads = {}
    base = f"/proc/{pid}/task"
    for tid in os.listdir(base):
        try:
            with open(f"{base}/{tid}/comm") as f:
                name = f.read().strip()
            threads[tid] = (name, proc_ticks(f"{base}/{tid}/stat"))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return {"total": proc_ticks(f"/proc/{pid}/stat"), "threads": threads}


def machine_cpu():
    """/proc/stat's first line: user nice system idle iowait irq softirq steal, in ticks."""
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:9]]


def process_ticks():
    """utime+stime of every process now, by pid (to name whatever else used the CPU during a run)."""
    ticks = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    data = f.read()
                rest = data[data.rindex(")") + 2:].split()
                ticks[pid] = (data[data.index("(") + 1:data.rindex(")")], int(rest[11]) + int(rest[12]))
            except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
                pass
    return ticks


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def group(name):
    # /proc/PID/task/TID/comm holds at most 15 characters: "entourage-writer" (and PostgreSQL's
    # "entourage-writer-pg") reads "entourage-write".
    if name.startswith("entourage-writ"):
        return "writer"
    if name.startswith(("entourage-http", "qtp")):
        return "Jetty pool"
    if name.startswith(("C1 ", "C2 ")):
        return "JIT"
    if name.startswith(("GC ", "G1 ", "VM ")):
        return "GC+VM"
    return "other"


def start_fsync_count(pid, out):
    """perf stat counting the server's fsync/fdatasync calls (one per commit in WAL mode, plus checkpoints),
    if perf is installed and allowed to read syscall tracepoints; else None."""
    if os.environ.get("BENCH_PERF", "1") == "0":
        return None
    try:
        return subprocess.Popen(["perf", "stat", "-x,", "-o", out, "-e",
                                 "syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync", "-p", str(pid)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def stop_fsync_count(perf, out):
    if perf is None:
        return None
    perf.send_signal(2)
    try:
        perf.wait(10)
    except subprocess.TimeoutExpired:
        perf.kill()
        return None
    total = None
    try:
        for line in open(out):
            parts = line.strip().split(",")
            if len(parts) > 2 and "sys_enter_f" in parts[2] and parts[0].isdigit():
                total = (total or 0) + int(parts[0])
    except FileNotFoundError:
        pass
    return total


def run(name, results, pid, wrk_args):
    perf_out = results + ".perf"
    perf = start_fsync_count(pid, perf_out)
    before = thread_snapshot(pid)
    cpu0 = machine_cpu()
    procs0 = process_ticks()
    load0 = loadavg()
    t0 = time.monotonic()
    proc = subprocess.Popen(wrk_args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    after = thread_snapshot(pid)
    cpu1 = machine_cpu()
    procs1 = process_ticks()
    load1 = loadavg()
    fsyncs = stop_fsync_count(perf, perf_out)
    sys.stdout.write(out)
    sys.stdout.flush()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"wrk failed (exit {os.waitstatus_to_exitcode(status)})")
    line = next((l for l in out.splitlines() if l.startswith("BENCH_RESULT ")), None)
    if line is None:
        sys.exit("no BENCH_RESULT line from wrk (is bench/http_load.lua in use?)")
    r = json.loads(line[len("BENCH_RESULT "):])
    r["name"] = name
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["load_before"], r["load_after"] = load0, load1
    d = [b - a for a, b in zip(cpu0, cpu1)]
    total = max(1, sum(d))
    ncpu = os.cpu_count()
    r["machine_busy_pct"] = 100.0 * (total - d[3] - d[4]) / total * ncpu
    r["machine_pct"] = {k: round(100.0 * v / total * ncpu, 1) for k, v in
                        zip(["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"], d)}
    # Other processes that used CPU meanwhile (those that ended during the run are not seen).
    others = []
    for p, (comm, ticks) in procs1.items():
        if p in (str(pid), str(proc.pid), str(os.getpid())):
            continue
        used = (ticks - procs0.get(p, (comm, 0))[1]) / CLK
        if used > 0.05:
            others.append((used, f"{p} {comm}"))
    others.sort(reverse=True)
    r["others_top"] = [f"{name}: {u:.1f} s" for u, name in others[:3]]
    r["wrk_cpu_s"] = usage.ru_utime + usage.ru_stime
    r["server_cpu_s"] = (after["total"] - before["total"]) / CLK
    groups, busiest = {}, {}
    for tid, (tname, ticks) in after["threads"].items():
        prev = before["threads"].get(tid, (tname, 0))[1]
        cpu = (ticks - prev) / CLK
        g = group(tname)
        groups[g] = groups.get(g, 0.0) + cpu
        if cpu > busiest.get(g, ("", 0.0))[1]:
            busiest[g] = (tname, cpu)
    r["wall_s"] = wall
    r["fsyncs"] = fsyncs
    # Everything else that ran meanwhile: the machine's busy time less the server's and wrk's. This includes
    # processes that started and ended during the run (a build's test forks), which no snapshot sees.
    r["others_cpu_s"] = round(max(0.0, r["machine_busy_pct"] / 100 * wall - r["server_cpu_s"] - r["wrk_cpu_s"]), 2)
    r["threads"] = {g: {"cpu_s": round(c, 3), "busiest": busiest.get(g, ("", 0.0))[0],
                        "busiest_cpu_s": round(busiest.get(g, ("", 0.0))[1], 3)}
                    for g, c in sorted(groups.items(), key=lambda kv: -kv[1])}
    with open(results, "a") as f:
        f.write(json.dumps(r) + "\n")


def ms(us):
    return f"{us / 1000:.2f}"


def table(results):
    rows = [json.loads(l) for l in open(results) if l.strip()]
    print("| run | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | non-2xx | socket errors | ÷ healthz req/s "
          "| load avg (1 min) before→after | server CPU | server CPU per req | fsyncs/s (req per fsync) | rest of the machine |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    base = None
    for r in rows:
        if r["name"].startswith("warm-up"):
            continue
        if r["name"].startswith("healthz"):
            base = r["rps"]
        e = r["errors"]
        sock = e["connect"] + e["read"] + e["write"] + e["timeout"]
        ratio = "—" if r["name"].startswith("healthz") or "paced" in r["name"] or not base else \
            f"{r['rps'] / base:.3f}"
        per_req = 1e6 * r["server_cpu_s"] / max(1, r["requests"])
        wall = r["duration_us"] / 1e6
        f = r.get("fsyncs")
        fs = "n/a" if f is None else (f"{f / r['wall_s']:,.0f} ({r['requests'] / f:.1f})" if f >= r["wall_s"]
                                      else f"{f} in all")
        print(f"| {r['name']} | {r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p90_us'])} | {ms(r['p99_us'])} "
              f"| {ms(r['p999_us'])} | {r['non2xx']} | {sock} | {ratio} | {r['load_before']:.2f}→{r['load_after']:.2f} "
              f"| {100 * r['server_cpu_s'] / wall:.0f}% | {per_req:.0f} µs | {fs} | {100 * r.get('others_cpu_s', 0) / wall:.0f}% |")
    print()
    print(f"CPU in % of one core (the machine has {os.cpu_count()}): the server by thread group (the busiest single "
          "Jetty thread in brackets), wrk, the rest of the machine (its busy time less the server's and wrk's: other "
          "processes, also short-lived ones, and kernel work not charged to a process; the biggest other processes "
          "seen in brackets), and the machine's total (of which softirq):")
    print()
    print("| run | writer | Jetty pool (busiest thread) | GC+VM | JIT | other | wrk | rest of the machine | machine (softirq) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    keys = ["writer", "Jetty pool", "GC+VM", "JIT", "other"]
    for r in rows:
        if r["name"].startswith("warm-up"):
            continue
        wall = r["duration_us"] / 1e6
        cells = []
        for k in keys:
            t = r["threads"].get(k)
            if not t:
                cells.append("0%")
                continue
            cell = f"{100 * t['cpu_s'] / wall:.0f}%"
            if k == "Jetty pool":
                cell += f" ({100 * t['busiest_cpu_s'] / wall:.0f}%)"
            cells.append(cell)
        cells.append(f"{100 * r['wrk_cpu_s'] / wall:.0f}%")
        cells.append(f"{100 * r.get('others_cpu_s', 0) / wall:.0f}%" + (f" ({', '.join(r['others_top'])})" if r.get("others_top") else ""))
        mp = r.get("machine_pct", {})
        cells.append(f"{r['machine_busy_pct']:.0f}% ({mp.get('softirq', 0):.0f}%)")
        print(f"| {r['name']} | " + " | ".join(cells) + " |")


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "run" and "--" in sys.argv:
        i = sys.argv.index("--")
        run(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[i + 1:])
    elif len(sys.argv) == 3 and sys.argv[1] == "table":
        table(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
