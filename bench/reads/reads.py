#!/usr/bin/env python3
"""Read benchmark of the report routes at growing history (10^3, 10^5, 10^7 usage events), on SQLite or PostgreSQL.

For each size: `entourage init` on a fresh ledger (a SQLite file, or with --db postgresql://… a database
reads_<size> created on that server), then the events written by direct SQL (a recursive CTE inside SQLite, or
generate_series through psql: 10 agents, sessions of 200 events one after another, spread evenly over the 365 days
before now), the five-minute and hour rollups back-filled with the INSERT … SELECT of migrations V10 and V13 (read
from the migration files of the dialect), `entourage serve` on it, and each route read --warmup times, then --calls
times one at a time with the admin key: p50 and p99 (nearest rank) of the wall time and the answer's bytes. Prints a
table and one JSON line. With --data-dir the ledgers are kept there (SQLite files, or the PostgreSQL databases)
with their admin key, and a later run reuses them instead of filling again. Run by hand from the repository root
after `./entourage --version`; it is not a test.
"""
import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRATIONS = {dialect: [os.path.join(ROOT, f"store/{dialect}/src/main/resources/db/{dialect}/{name}")
                         for name in ("V10__spend_rollups.sql", "V13__hour_rollups.sql")]
              for dialect in ("sqlite", "postgres")}
DAY_MS = 86_400_000
PER_SESSION = 200
AGENTS = 10
MODELS = ["claude-sonnet-4-20250514", "claude-haiku-4-5", "claude-opus-4-1"]


def backfill_sql(dialect):
    """The INSERT … SELECT of each rollup migration, five-minute rows first (the hour rows are summed from them)."""
    found = []
    for path in MIGRATIONS[dialect]:
        lines = [line for line in open(path).read().splitlines() if not line.strip().startswith("--")]
        statements = [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
        found.append([s for s in statements if s.startswith("INSERT INTO")][0])
    return found


def fill(db, events, now_ms):
    start_ms = now_ms - 365 * DAY_MS
    step = 365 * DAY_MS / events
    sessions = (events + PER_SESSION - 1) // PER_SESSION
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")
    t0 = time.time()
    with con:
        for a in range(AGENTS):
            con.execute("INSERT INTO agents (name, team_id, created_at) VALUES (?, 1, ?)", (f"agent-{a}", start_ms))
        agent_ids = [r[0] for r in con.execute("SELECT id FROM agents WHERE name LIKE 'agent-%' ORDER BY id")]
        first_agent = agent_ids[0]
        con.execute(f"""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {sessions - 1})
            INSERT INTO sessions (id, agent_id, team_id, model, status, started_at, ended_at, input_tokens,
                                  output_tokens, cost_micros)
            SELECT i + 1, {first_agent} + i % {AGENTS}, 1, NULL,
                   CASE WHEN i = {sessions - 1} THEN 'active' ELSE 'ended' END,
                   {start_ms} + CAST(i * {PER_SESSION} * {step} AS INTEGER),
                   CASE WHEN i = {sessions - 1} THEN NULL
                        ELSE {start_ms} + CAST(((i + 1) * {PER_SESSION} - 1) * {step} AS INTEGER) END,
                   {PER_SESSION} * 1200, {PER_SESSION} * 300, {PER_SESSION} * 8100 FROM n""")
        models = "CASE i % 3 " + " ".join(f"WHEN {k} THEN '{m}'" for k, m in enumerate(MODELS)) + " END"
        con.execute(f"""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {events - 1})
            INSERT INTO usage_events (event_id, session_id, agent_id, team_id, task_id, model, input_tokens,
                output_tokens, cache_creation_input_tokens, cache_creation_1h_input_tokens, cache_read_input_tokens,
                cost_micros, cost_source, fingerprint, action, reported_at, claim)
            SELECT 'e' || i, i / {PER_SESSION} + 1, {first_agent} + (i / {PER_SESSION}) % {AGENTS}, 1, NULL, {models},
                   1200, 300, 0, 0, 0, 8100, 'computed', 'f', 'continue',
                   {start_ms} + CAST(i * {step} AS INTEGER), 0 FROM n""")
    t1 = time.time()
    with con:
        con.execute("DELETE FROM spend_rollups")
        con.execute("DELETE FROM hour_rollups")
        for statement in backfill_sql("sqlite"):
            con.execute(statement)
    t2 = time.time()
    rollups = con.execute("SELECT COUNT(*) FROM spend_rollups").fetchone()[0]
    hours = con.execute("SELECT COUNT(*) FROM hour_rollups").fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return {"insert_s": round(t1 - t0, 1), "backfill_s": round(t2 - t1, 1), "rollup_rows": rollups,
            "hour_rows": hours, "sessions": sessions, "db_mb": round(os.path.getsize(db) / 1e6, 1)}


def psql(url, sql):
    """Runs SQL on the PostgreSQL database `url` with psql (stops at the first error); returns its output."""
    return subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def database_url(server, name):
    """`server` (postgresql://user@host:port/db) with another database name."""
    head, _, _ = server.partition("?")
    return head.rsplit("/", 1)[0] + "/" + name


def fill_postgres(url, events, now_ms):
    """The same history as `fill`, by generate_series inside PostgreSQL, then both rollups back-filled."""
    start_ms = now_ms - 365 * DAY_MS
    step = 365 * DAY_MS / events
    sessions = (events + PER_SESSION - 1) // PER_SESSION
    t0 = time.time()
    agent_ids = []
    for a in range(AGENTS):
        agent_ids.append(int(psql(url, f"INSERT INTO agents (name, team_id, created_at) VALUES ('agent-{a}', 1, "
                                       f"{start_ms}) RETURNING id")))
    first_agent = agent_ids[0]
    models = "CASE i % 3 " + " ".join(f"WHEN {k} THEN '{m}'" for k, m in enumerate(MODELS)) + " END"
    psql(url, f"""
        INSERT INTO sessions (id, agent_id, team_id, model, status, started_at, ended_at, input_tokens,
                              output_tokens, cost_micros)
        SELECT i + 1, {first_agent} + i % {AGENTS}, 1, NULL,
               CASE WHEN i = {sessions - 1} THEN 'active' ELSE 'ended' END,
               {start_ms} + CAST(i * {PER_SESSION} * {step} AS BIGINT),
               CASE WHEN i = {sessions - 1} THEN NULL
                    ELSE {start_ms} + CAST(((i + 1) * {PER_SESSION} - 1) * {step} AS BIGINT) END,
               {PER_SESSION} * 1200, {PER_SESSION} * 300, {PER_SESSION} * 8100
        FROM generate_series(0, {sessions - 1}) AS n(i);
        SELECT setval(pg_get_serial_sequence('sessions', 'id'), {sessions})""")
    psql(url, f"""
        INSERT INTO usage_events (event_id, session_id, agent_id, team_id, task_id, model, input_tokens,
            output_tokens, cache_creation_input_tokens, cache_creation_1h_input_tokens, cache_read_input_tokens,
            cost_micros, cost_source, fingerprint, action, reported_at, claim)
        SELECT 'e' || i, i / {PER_SESSION} + 1, {first_agent} + (i / {PER_SESSION}) % {AGENTS}, 1, NULL, {models},
               1200, 300, 0, 0, 0, 8100, 'computed', 'f', 'continue',
               {start_ms} + CAST(i * {step} AS BIGINT), 0
        FROM generate_series(0::BIGINT, {events - 1}) AS n(i)""")
    t1 = time.time()
    psql(url, "DELETE FROM spend_rollups; DELETE FROM hour_rollups; " + "; ".join(backfill_sql("postgres")))
    psql(url, "VACUUM ANALYZE")
    t2 = time.time()
    rollups = int(psql(url, "SELECT COUNT(*) FROM spend_rollups"))
    hours = int(psql(url, "SELECT COUNT(*) FROM hour_rollups"))
    size = int(psql(url, "SELECT pg_database_size(current_database())"))
    return {"insert_s": round(t1 - t0, 1), "backfill_s": round(t2 - t1, 1), "rollup_rows": rollups,
            "hour_rows": hours, "sessions": sessions, "db_mb": round(size / 1e6, 1)}


def serve(jar, db, log):
    proc = subprocess.Popen(["java", "-jar", jar, "serve", "--port", "0", "--db", db,
                             "--rate-limit-rpm", "100000000"], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        text = open(log.name).read()
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", text)
        if m:
            return proc, m.group(1)
        if proc.poll() is not None:
            sys.exit("the server exited:\n" + text)
        time.sleep(0.1)
    sys.exit("the server did not start")


def measure(base, key, path, warmup, calls):
    def one():
        req = urllib.request.Request(base + path, headers={"X-API-Key": key})
        t = time.perf_counter()
        with urllib.request.urlopen(req) as r:
            body = r.read()
            status = r.status
        return time.perf_counter() - t, len(body), status

    for _ in range(warmup):
        one()
    times = []
    size = 0
    for _ in range(calls):
        t, size, status = one()
        if status != 200:
            sys.exit(f"{path}: {status}")
        times.append(t * 1000)
    times.sort()
    rank = lambda p: times[max(0, int(round(p / 100 * len(times))) - 1)]
    return {"p50_ms": round(rank(50), 2), "p99_ms": round(rank(99), 2), "bytes": size}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", default=os.path.join(ROOT, "mcp-server/target/entourage.jar"))
    ap.add_argument("--sizes", default="1000,100000,10000000")
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--db-dir", default=tempfile.gettempdir())
    ap.add_argument("--db", default=None,
                    help="postgresql://user@host:port/db: fill databases reads_<size> on that server instead of SQLite")
    ap.add_argument("--data-dir", default=None,
                    help="keep the ledgers (and their admin keys) here and reuse them on later runs")
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="reads-", dir=args.db_dir)
    jar = os.path.join(tmp, "entourage.jar")
    shutil.copy(args.jar, jar)
    since = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 29 * 86400))
    routes = [("costs today", "/api/v1/teams/default/costs"),
              ("costs 30 days", f"/api/v1/teams/default/costs?since={since}"),
              ("costs csv 30 days", f"/api/v1/teams/default/costs?since={since}&format=csv"),
              ("spend today", "/api/v1/teams/default/spend"),
              ("spend 7d by model", "/api/v1/teams/default/spend?range=7d&by=model"),
              ("spend 30d", "/api/v1/teams/default/spend?range=30d"),
              ("dashboard", "/api/v1/dashboard"),
              ("agent sessions", "/api/v1/agents/agent-0/sessions"),
              ("team sessions closed", "/api/v1/teams/default/sessions?status=closed")]
    results = []
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            db, key, built = ledger(args, jar, tmp, size)
            with open(os.path.join(tmp, f"serve-{size}.log"), "w") as log:
                proc, base = serve(jar, db, log)
                try:
                    for name, path in routes:
                        r = measure(base, key, path, args.warmup, args.calls)
                        results.append({"events": size, "route": name, **r})
                        print(f"{size:>9} {name:<22} p50 {r['p50_ms']:>8} ms  p99 {r['p99_ms']:>8} ms  "
                              f"{r['bytes']:>8} B", flush=True)
                finally:
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(timeout=20)
            print(f"{size:>9} built: {built}", flush=True)
            results.append({"events": size, "built": built})
            if args.data_dir is None and args.db is None:
                os.remove(db)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps({"label": args.label, "db": "postgresql" if args.db else "sqlite", "results": results}))


def ledger(args, jar, tmp, size):
    """The ledger of `size` events: (its --db, the admin key, how it was built), kept in --data-dir if given."""
    kind = "postgres" if args.db else "sqlite"
    kept = os.path.join(args.data_dir, f"{kind}-{size}.json") if args.data_dir else None
    db = database_url(args.db, f"reads_{size}") if args.db else os.path.join(args.data_dir or tmp, f"ledger-{size}.db")
    if kept and os.path.exists(kept):
        saved = json.load(open(kept))
        return db, saved["admin_key"], saved["built"]
    if args.db:
        psql(args.db, f"DROP DATABASE IF EXISTS reads_{size}")
        psql(args.db, f"CREATE DATABASE reads_{size}")
    elif os.path.exists(db):
        os.remove(db)
    init = json.loads(subprocess.run(["java", "-jar", jar, "init", "--json", "--db", db], check=True,
                                     capture_output=True, text=True).stdout)
    now_ms = int(time.time() * 1000)
    built = fill_postgres(db, size, now_ms) if args.db else fill(db, size, now_ms)
    if kept:
        with open(kept, "w") as out:
            json.dump({"admin_key": init["admin_key"], "built": built, "filled_at_ms": now_ms}, out)
    return db, init["admin_key"], built


if __name__ == "__main__":
    main()
