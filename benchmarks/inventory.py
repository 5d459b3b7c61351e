"""Inventory performance figures at the issue's size, each next to a baseline measured
in the same run; exits non-zero when a target is missed.

    .venv/bin/python benchmarks/inventory.py [--parts 20000] [--moves 1000000]
                                             [--pg postgresql+psycopg://...]

A SQLite data set of --parts parts, 5 warehouses and --moves stock moves is
generated with bulk INSERTs (a ledger that never goes negative, moving average
costs, and balance rows equal to the ledger's sums, checked in SQL), then:

1. available(): the service function `stock.available` on random part/warehouse
   pairs -- one statement, an index search on the balance table (query plan
   printed) -- against summing the same pairs' ledger lines. Target: median < 2 ms.
2. The parts list page (UI, logged in, its default page of 25 parts) and the
   stock_move API list page (50 rows with part SKU and warehouse codes),
   interleaved with GET /health as the
   baseline: median time, target < 100 ms, and the ratio to /health; SQL
   statements at page size 10, 50 and 100, which must be equal (no N+1).
3. The stock_moves CSV export of every move through the app's export code path
   (GET /api/v1/csv/export/stock_moves, streamed) in a fresh child process: its
   RSS high-water mark (VmHWM from /proc, reset right before the export, so the
   app's resident memory is included but not start-up's peak): target < 200 MB;
   its time against the sqlite3 command-line shell writing the export's own
   statement as CSV: target ratio <= 3.
4. With --pg (or TEST_DATABASE_URL) on PostgreSQL: 8 concurrent writers consume
   the same part through post_move in a scratch database; final on-hand must equal
   initial minus accepted consumptions, never below zero, and match the ledger.

Times are judged on CPU time (time.process_time of the request in this process;
user+sys of the export child and of the sqlite3 shell): on an idle machine it is
the wall time, on a shared one the wall time also counts other programs. Both
are printed, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from inventory_app import init_schema, ledger_sum, login, make_app  # benchmarks/ is on sys.path
from inventory_concurrency import measure_concurrency
from inventory_data import build
from sqlalchemy import event, select, text

# ------------------------------------------------------------------ data set


# --------------------------------------------------------------- measurements


def count_statements(engine, fn, seen: list | None = None) -> int:
    n = 0

    def before(conn, cursor, statement, *args):
        nonlocal n
        n += 1
        if seen is not None:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return n


def median_call_ms(fn, args_list) -> tuple[float, float]:
    """Median (CPU ms, wall ms) of fn(*args) over args_list."""
    cpus, walls = [], []
    for args in args_list:
        cpu, t = time.process_time(), time.perf_counter()
        fn(*args)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - cpu)
    return statistics.median(cpus) * 1000, statistics.median(walls) * 1000


def measure_available(app, info, report) -> None:
    from app.db import db
    from modules.inventory.models import StockBalance
    from modules.inventory.services.stock import available

    rnd = random.Random(11)
    pairs = [(rnd.choice(info["parts"]), rnd.choice(info["warehouses"])) for _ in range(2000)]
    with app.app_context():
        s = db.session
        for p, w in pairs[:200]:
            assert Decimal(available(s, p, w)) == Decimal(ledger_sum(s, p, w)), (p, w)
        p, w = pairs[0]
        stmts = count_statements(db.engine, lambda: available(s, p, w))
        stmt = select(StockBalance.on_hand - StockBalance.reserved).where(
            StockBalance.part_id == p, StockBalance.warehouse_id == w
        )
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        plan = " / ".join(r[-1] for r in s.execute(text("EXPLAIN QUERY PLAN " + sql)))
        fast = median_call_ms(lambda a, b: available(s, a, b), pairs)
        slow = median_call_ms(lambda a, b: ledger_sum(s, a, b), pairs[:300])
        s.remove()
    print(f"available(): {stmts} SQL statement per call; plan: {plan}")
    print(
        f"available() median {fast[0]:.3f} ms CPU ({fast[1]:.3f} ms wall) over {len(pairs)} "
        f"random part/warehouse pairs; baseline summing the ledger {slow[0]:.3f} ms CPU "
        f"({slow[1]:.3f} ms wall): ledger sum / available = {slow[0] / fast[0]:.1f}x "
        f"(target: median < 2 ms)"
    )
    report("available median < 2 ms", fast[0] < 2)
    report("available is one statement", stmts == 1)
    report("available searches an index", "USING INDEX" in plan or "USING COVERING INDEX" in plan)


def timed_request(client, path: str) -> tuple[float, float]:
    """(wall ms, CPU ms) of one request. The test client serves it in this thread
    and SQLite runs in-process, so its CPU time is what the wall time would be on
    an idle machine; on a shared one the wall time also counts other programs."""
    cpu, t = time.process_time(), time.perf_counter()
    r = client.get(path)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    assert r.status_code == 200, (path, r.status_code, r.data[:300])
    return wall * 1000, cpu * 1000


def measure_pages(app, client, report, rounds: int = 21) -> None:
    from app.db import db

    with app.app_context():
        engine = db.engine
    # the parts list as a user opens it (its default page of 25 parts); the
    # stock_move API page with 50 moves
    pages = {
        "/health": ("/health", None),
        "parts list page (UI)": ("/partview/list/", "/partview/list/?psize_PartView={n}"),
        "parts list page (UI), 50 rows": ("/partview/list/?psize_PartView=50", None),
        "stock_move API list": (
            "/api/v1/stock_move/?q=(page_size:50)",
            "/api/v1/stock_move/?q=(page_size:{n})",
        ),
    }
    times: dict[str, list] = {label: [] for label in pages}
    for url, _ in pages.values():
        client.get(url)  # warm up
    for _ in range(rounds):  # interleaved: the baseline sees the same machine
        for label, (url, _) in pages.items():
            times[label].append(timed_request(client, url))

    def medians(label):
        return (
            statistics.median(w for w, _ in times[label]),
            statistics.median(c for _, c in times[label]),
        )

    health_wall, health_cpu = medians("/health")
    print(
        f"baseline GET /health: median {health_wall:.1f} ms wall, {health_cpu:.1f} ms CPU "
        f"({rounds} requests interleaved with the pages below)"
    )
    for label, (page, url) in list(pages.items())[1:]:
        wall, cpu = medians(label)
        print(
            f"{label} {page}: median {cpu:.1f} ms CPU = {cpu / health_cpu:.1f}x /health; "
            f"wall {wall:.1f} ms = {wall / health_wall:.1f}x (target < 100 ms)"
        )
        report(f"{label} < 100 ms", cpu < 100)
        if url is None:
            continue
        counts = {}
        seen: list[str] = []
        for n in (10, 50, 100):
            client.get(url.format(n=n))  # warm caches (security, FAB's lazy bits)
            seen.clear()
            counts[n] = count_statements(engine, lambda u=url.format(n=n): client.get(u), seen)
        checks = sum("ab_permission_view" in st for st in seen)
        print(
            f"{label}: SQL statements at page size 10: {counts[10]}, "
            f"50: {counts[50]}, 100: {counts[100]} (must be equal); {checks} of them "
            f"read permissions (a UI page asks once per menu entry)"
        )
        report(f"{label} fixed statements", len(set(counts.values())) == 1)
    r = client.get("/api/v1/stock_move/?q=(page_size:50)")
    row = r.json["result"][0]
    assert row["part"]["sku"] and ("code" in (row["to_warehouse"] or row["from_warehouse"]))


EXPORT_PATH = "/api/v1/csv/export/stock_moves"


def _status_kb(field: str) -> int | None:
    """VmRSS / VmHWM of this process from /proc (Linux), in kB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def export_child(db_file: str) -> None:
    """Runs in a fresh process: app start-up, login, then the export streamed once;
    prints JSON figures. The RSS high-water mark (VmHWM) is reset right before the
    export (/proc/self/clear_refs), so the peak is the export's, the app's resident
    memory included; the whole-process peak (start-up and login too) is kept apart."""
    import logging

    logging.disable(logging.WARNING)
    os.environ.setdefault("AFTERSALES_INSTANCE_PATH", str(Path(db_file).parent))
    app = make_app(f"sqlite:///{db_file}")
    client = login(app)
    startup_peak = _status_kb("VmHWM")
    rss_before = _status_kb("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the peak RSS
        reset = True
    except OSError:
        reset = False
    cpu, t = time.process_time(), time.perf_counter()
    r = client.get(EXPORT_PATH)
    assert r.status_code == 200, r.status_code
    size = lines = chunks = 0
    for chunk in r.response:
        size += len(chunk)
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
        chunks += 1
    r.close()
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = _status_kb("VmHWM")
    if peak is None:  # no /proc: getrusage's high-water mark of the whole process
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "bytes": size,
                "lines": lines,
                "chunks": chunks,
                "rss_before_mb": (rss_before or 0) / 1024,
                "startup_peak_mb": (startup_peak or 0) / 1024,
                "export_peak_mb": peak / 1024,
                "peak_reset": reset,
            }
        )
    )


def run_export_child(db_file: Path) -> dict:
    out = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--export-child", str(db_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def export_sql(app, formatted: bool = True) -> str:
    """The export's own statement, as SQLite text for the shell. With `formatted`
    False, its columns as stored: numbers leave as SQLite's floats ("2.5", not the
    file's "2.50"), the cheaper statement that does not write the same text."""
    from unittest import mock

    from app.db import db

    with app.app_context():
        export = app.extensions["aftersales"].exports["stock_moves"]
        if formatted:
            stmt = export.statement()
        else:
            with mock.patch("app.csvio.csv_column", lambda e: e):
                stmt = export.statement()
        return str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True})) + ";"


def _baseline(db_file: Path, sql: str):
    """(label, run) where run() writes the statement's rows as CSV to /dev/null and
    returns (wall seconds, CPU seconds)."""
    shell = shutil.which("sqlite3")
    if shell:

        def run_shell():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            with open(os.devnull, "wb") as sink:
                t = time.perf_counter()
                subprocess.run(  # noqa: S603
                    [shell, "-csv", "-header", str(db_file), sql], stdout=sink, check=True
                )
                wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            return wall, cpu

        return "sqlite3 shell (sqlite3 -csv -header)", run_shell
    print("sqlite3 command-line shell not installed: that baseline is MISSING; using Python's")
    print("sqlite3 module + csv.writer on the same statement as the baseline instead")

    def run_python():
        import csv
        import sqlite3

        cpu, t = time.process_time(), time.perf_counter()
        con = sqlite3.connect(db_file)
        with open(os.devnull, "w", newline="") as sink:
            w = csv.writer(sink)
            cur = con.execute(sql.rstrip(";"))
            w.writerow([d[0] for d in cur.description])
            while rows := cur.fetchmany(1000):
                w.writerows(rows)
        con.close()
        return time.perf_counter() - t, time.process_time() - cpu

    return "Python sqlite3 + csv.writer", run_python


def measure_export(app, db_file: Path, n_moves: int, report) -> None:
    label, baseline = _baseline(db_file, export_sql(app))
    runs, base = [], []
    for _ in range(3):  # interleaved, best of three each: the machine is shared
        base.append(baseline())
        runs.append(run_export_child(db_file))
    app_run = min(runs, key=lambda r: r["seconds"])
    assert app_run["lines"] == n_moves + 1, app_run
    peak = max(r["export_peak_mb"] for r in runs)
    print(
        f"CSV export of {n_moves} moves ({EXPORT_PATH}, streamed in {app_run['chunks']} "
        f"chunks, {app_run['bytes'] / 1e6:.1f} MB)"
    )
    what = "reset before the export" if app_run["peak_reset"] else "of the whole process"
    print(
        f"CSV export peak memory: {peak:.0f} MB = RSS high-water mark (VmHWM, {what}) of "
        f"a fresh process, the app's own {app_run['rss_before_mb']:.0f} MB resident before "
        f"the export included (start-up and login peaked at "
        f"{app_run['startup_peak_mb']:.0f} MB) (target < 200 MB)"
    )
    report("CSV export peak RSS < 200 MB", peak < 200)
    wall = min(b[0] for b in base)
    cpu = min(b[1] for b in base)
    app_cpu = min(r["cpu"] for r in runs)
    ratio = app_cpu / cpu
    print(
        f"CSV export time: app {app_cpu:.2f} s CPU, {label} {cpu:.2f} s CPU on the same "
        f"statement: ratio {ratio:.2f} (target <= 3); wall {app_run['seconds']:.2f} s vs "
        f"{wall:.2f} s: ratio {app_run['seconds'] / wall:.2f}"
    )
    report("CSV export <= 3x the baseline", ratio <= 3)
    raw_label, raw = _baseline(db_file, export_sql(app, formatted=False))
    raw_cpu = min(raw()[1] for _ in range(3))
    print(
        f"  for reference: {raw_label} on the statement without the number formatting "
        f"(SQLite's floats, not the same text) {raw_cpu:.2f} s CPU: ratio {app_cpu / raw_cpu:.2f}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description="inventory performance figures")
    ap.add_argument("--parts", type=int, default=20_000)
    ap.add_argument("--moves", type=int, default=1_000_000)
    ap.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"))
    ap.add_argument("--keep", help="build the SQLite data set in this folder and keep it")
    ap.add_argument("--export-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.export_child:
        export_child(args.export_child)
        return 0
    sys.stdout.reconfigure(line_buffering=True)
    import logging

    logging.disable(logging.WARNING)  # FAB's start-up chatter
    results: list[tuple[str, bool]] = []

    def report(name: str, ok: bool) -> None:
        results.append((name, ok))

    started = time.perf_counter()
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    folder = Path(args.keep or tempfile.mkdtemp(prefix="inv-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("AFTERSALES_INSTANCE_PATH", str(folder))
    db_file = folder / "bench.db"
    try:
        for f in folder.glob("bench.db*"):
            f.unlink()
        app = make_app(f"sqlite:///{db_file}")
        init_schema(app)
        t = time.perf_counter()
        info = build(app, args.parts, args.moves)
        consistent = "yes" if info["bad"] == 0 else f"NO, {info['bad']} differ"
        print(
            f"data set (SQLite): {args.parts} parts, {len(info['warehouses'])} warehouses, "
            f"{args.moves} stock moves, {info['balances']} balance rows, built in "
            f"{time.perf_counter() - t:.1f} s; balances equal to the ledger's sums and "
            f"none negative: {consistent}"
        )
        report("data set consistent", info["bad"] == 0)
        measure_available(app, info, report)
        measure_pages(app, login(app), report)
        with app.app_context():
            from app.db import db

            db.engine.dispose()
        measure_export(app, db_file, args.moves, report)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if args.pg and args.pg.startswith("postgresql"):
        measure_concurrency(args.pg, report)
    else:
        print(
            "concurrent writers: SKIPPED, no PostgreSQL (pass --pg postgresql+psycopg://... "
            "or set TEST_DATABASE_URL)"
        )
    missed = [name for name, ok in results if not ok]
    print(
        f"total {time.perf_counter() - started:.0f} s; load average at the end: "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print("FAILED: " + "; ".join(missed) if missed else "all inventory targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
