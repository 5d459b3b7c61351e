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
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import bindparam, case, event, func, insert, select, text, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USER, PASSWORD = "bench", "Bench-pw-2026!"
WAREHOUSES = 5
# reason -> share of the generated moves (outgoing ones fall back to a receipt
# when the warehouse has too little of the part)
MIX = [
    ("receipt", 30),
    ("consumption", 25),
    ("issue", 12),
    ("sale", 13),
    ("transfer", 15),
    ("adjustment", 5),
]


def make_app(db_url: str):
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-secret-key-of-at-least-32-bytes",
            "SQLALCHEMY_DATABASE_URI": db_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "AUTH_RATE_LIMITED": False,
        }
    )


def login(app):
    client = app.test_client()
    r = client.post("/login/", data={"username": USER, "password": PASSWORD})
    assert r.status_code == 302, r.status_code
    return client


def init_schema(app) -> None:
    from app.cli import ensure_user, upgrade_schema, write_permissions
    from app.db import db

    with app.app_context():
        upgrade_schema()
        write_permissions()
        ensure_user(USER, "bench@example.com", "B", "B", PASSWORD, "Admin")
        db.session.commit()


# ------------------------------------------------------------------ data set


MOVE_COLUMNS = (
    "part_id",
    "from_warehouse_id",
    "to_warehouse_id",
    "quantity",
    "unit_cost",
    "reason",
    "ref_type",
    "ref_id",
    "username",
    "at",
)


def _ledger(n_moves: int, wh_ids: list[int], part_ids: list[int], rnd, state: dict):
    """Batches of move rows (tuples in MOVE_COLUMNS order), in time order over the
    last two years. Keeps each part's on-hand per warehouse (an outgoing move the
    stock cannot cover becomes a receipt) and its moving average cost; leaves both
    in `state`. Timestamps are written as SQLAlchemy writes them on SQLite."""
    n_parts, n_wh = len(part_ids), len(wh_ids)
    on_hand = [0] * (n_parts * n_wh)
    total = [0] * n_parts
    avg = [0.0] * n_parts
    reasons = [r for r, share in MIX for _ in range(share)]
    n_reasons = len(reasons)
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=730)
    step = 730 * 86400 / max(n_moves, 1)
    random_ = rnd.random
    batch = []
    append = batch.append
    for i in range(n_moves):
        p = int(random_() * n_parts)
        w = int(random_() * n_wh)
        qty = 1 + int(random_() * 5)
        reason = reasons[int(random_() * n_reasons)]
        k = p * n_wh + w
        src = dst = None
        if reason == "receipt" or (reason == "adjustment" and random_() < 0.5):
            dst = w  # a receipt, or a count that found more
        elif on_hand[k] < qty:
            reason, dst = "receipt", w
        else:
            src = w
            if reason == "transfer":
                dst = (w + 1 + int(random_() * (n_wh - 1))) % n_wh
        if src is None:  # bought in at a purchase cost: the average moves
            cost = round(5 + (p % 200) * 0.25 + random_(), 2)
            avg[p] = (total[p] * avg[p] + qty * cost) / (total[p] + qty)
            total[p] += qty
        else:
            cost = round(avg[p], 2)
            on_hand[k] -= qty
            if dst is None:
                total[p] -= qty
        if dst is not None:
            on_hand[p * n_wh + dst] += qty
        at = start + timedelta(seconds=i * step)
        append(
            (
                part_ids[p],
                None if src is None else wh_ids[src],
                None if dst is None else wh_ids[dst],
                qty,
                cost,
                reason,
                "inv_parts_sale" if reason == "sale" else None,
                str(i) if reason == "sale" else None,
                USER,
                at.isoformat(" ", "microseconds"),
            )
        )
        if len(batch) == 50_000:
            yield batch
            batch = []
            append = batch.append
    if batch:
        yield batch
    state.update(on_hand=on_hand, avg=avg)


def build(app, n_parts: int, n_moves: int, seed: int = 7) -> dict:
    """Bulk-load suppliers, warehouses, parts, the ledger and its balances.

    The ledger goes in with executemany on the driver connection, foreign-key
    checks off and the ledger's secondary indexes dropped meanwhile (then built
    again as the migrations define them): the generator keeps the references
    right, and check_balances() compares balances with the ledger afterwards."""
    from app.db import db
    from modules.inventory.models import Part, StockBalance, StockMove, Warehouse
    from modules.partners.models import Partner

    rnd = random.Random(seed)
    with app.app_context():
        s = db.session
        s.execute(
            insert(Partner.__table__),
            [{"name": f"Supplier {i:03d}", "is_supplier": True, "active": True} for i in range(50)],
        )
        suppliers = s.scalars(select(Partner.id).order_by(Partner.id)).all()
        s.execute(
            insert(Warehouse.__table__),
            [
                {"code": f"WH{i}", "name": f"Warehouse {i}", "kind": "main", "active": True}
                for i in range(WAREHOUSES)
            ],
        )
        wh_ids = s.scalars(select(Warehouse.id).order_by(Warehouse.id)).all()
        s.execute(
            insert(Part.__table__),
            [
                {
                    "sku": f"SP-{i:06d}",
                    "name": f"Spare part {i}",
                    "unit": "pc",
                    "category": f"Category {i % 40}",
                    "cost": Decimal("10.00"),
                    "sale_price": Decimal("19.90"),
                    "lead_time_days": 14,
                    "min_order_qty": 1,
                    "supplier_id": suppliers[i % len(suppliers)],
                    "active": True,
                }
                for i in range(n_parts)
            ],
        )
        part_ids = s.scalars(select(Part.id).order_by(Part.id)).all()
        s.commit()
        conn = s.connection()
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        table = StockMove.__table__
        indexes = sorted(table.indexes, key=lambda ix: ix.name)
        for ix in indexes:
            conn.exec_driver_sql(f"DROP INDEX {ix.name}")
        # positional (qmark) INSERT for the driver's executemany, from SQLAlchemy
        sql = str(insert(table).compile(dialect=conn.dialect, column_keys=list(MOVE_COLUMNS)))
        state: dict = {}
        for batch in _ledger(n_moves, wh_ids, part_ids, rnd, state):
            conn.exec_driver_sql(sql, batch)
        for ix in indexes:
            ix.create(conn)
        n_wh = len(wh_ids)
        balances = [
            {"part_id": part_ids[k // n_wh], "warehouse_id": wh_ids[k % n_wh], "on_hand": q}
            for k, q in enumerate(state["on_hand"])
            if q
        ]
        s.execute(insert(StockBalance.__table__).values(reserved=0), balances)
        s.execute(
            update(Part.__table__).where(Part.__table__.c.id == bindparam("pid")),
            [{"pid": part_ids[i], "avg_cost": round(a, 2)} for i, a in enumerate(state["avg"])],
        )
        s.commit()
        conn = s.connection()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.exec_driver_sql("ANALYZE")
        s.commit()
        mismatches = check_balances(s)
        s.remove()
    return {"warehouses": wh_ids, "parts": part_ids, "balances": len(balances), "bad": mismatches}


def check_balances(session) -> int:
    """(part, warehouse) pairs whose balance row differs from the ledger's sum."""
    from modules.inventory.models import StockBalance, StockMove

    m = StockMove.__table__.c
    legs = (
        select(m.part_id.label("p"), m.to_warehouse_id.label("w"), m.quantity.label("q"))
        .where(m.to_warehouse_id.is_not(None))
        .union_all(
            select(m.part_id, m.from_warehouse_id, -m.quantity).where(
                m.from_warehouse_id.is_not(None)
            )
        )
        .subquery()
    )
    sums = (
        select(legs.c.p, legs.c.w, func.sum(legs.c.q).label("q"))
        .group_by(legs.c.p, legs.c.w)
        .subquery()
    )
    b = StockBalance.__table__.c
    joined = sums.outerjoin(
        StockBalance.__table__, (b.part_id == sums.c.p) & (b.warehouse_id == sums.c.w)
    )
    bad = session.scalar(
        select(func.count()).select_from(joined).where(func.coalesce(b.on_hand, 0) != sums.c.q)
    )
    negative = session.scalar(select(func.count()).where(b.on_hand < 0))
    return bad + negative


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


def ledger_sum(session, part_id: int, wh_id: int):
    """The baseline: what available() would cost without the balance table."""
    from modules.inventory.models import StockMove

    signed = case(
        (StockMove.to_warehouse_id == wh_id, StockMove.quantity), else_=-StockMove.quantity
    )
    return session.scalar(
        select(func.coalesce(func.sum(signed), 0)).where(
            StockMove.part_id == part_id,
            (StockMove.to_warehouse_id == wh_id) | (StockMove.from_warehouse_id == wh_id),
        )
    )


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


def export_sql(app) -> str:
    """The export's own statement, as SQLite text for the shell."""
    from app.db import db

    with app.app_context():
        export = app.extensions["aftersales"].exports["stock_moves"]
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


def _q(value) -> str:
    return format(Decimal(value).normalize(), "f")


def measure_concurrency(pg_url: str, report, writers: int = 8, attempts: int = 25) -> None:
    """Writers consuming one part at once in a scratch PostgreSQL database."""
    import uuid

    from sqlalchemy import create_engine

    from app.db import db
    from app.errors import DomainError
    from modules.inventory.models import Part, StockBalance, StockMove, Warehouse
    from modules.inventory.services.stock import post_move

    name = f"aftersales_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        app = make_app(pg_url.rsplit("/", 1)[0] + "/" + name)
        init_schema(app)
        initial = Decimal(200)
        with app.app_context():
            wh = Warehouse(code="MAIN", name="Main", kind="main")
            part = Part(sku="HOT-1", name="A part everyone needs")
            db.session.add_all([wh, part])
            db.session.flush()
            post_move(
                db.session,
                part_id=part.id,
                quantity_=initial,
                reason="receipt",
                to_warehouse_id=wh.id,
                unit_cost="3.00",
            )
            db.session.commit()
            part_id, wh_id = part.id, wh.id
            db.session.remove()
        lock = threading.Lock()
        accepted: list[Decimal] = []
        refused: list[Decimal] = []
        errors: list[BaseException] = []
        gate = threading.Barrier(writers)

        def writer(k: int) -> None:
            rnd = random.Random(k)
            try:
                with app.app_context():
                    gate.wait()
                    for _ in range(attempts):
                        qty = Decimal(rnd.randint(1, 3))
                        try:
                            post_move(
                                db.session,
                                part_id=part_id,
                                quantity_=qty,
                                reason="consumption",
                                from_warehouse_id=wh_id,
                                ref_type="bench",
                                ref_id=str(k),
                            )
                            db.session.commit()
                            with lock:
                                accepted.append(qty)
                        except DomainError:
                            db.session.rollback()
                            with lock:
                                refused.append(qty)
                    db.session.remove()
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(writers)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        seconds = time.perf_counter() - t
        with app.app_context():
            s = db.session
            final = s.scalar(
                select(StockBalance.on_hand).where(
                    StockBalance.part_id == part_id, StockBalance.warehouse_id == wh_id
                )
            )
            ledger = ledger_sum(s, part_id, wh_id)
            moves = s.scalar(
                select(func.count()).where(
                    StockMove.part_id == part_id, StockMove.reason == "consumption"
                )
            )
            s.remove()
            db.engine.dispose()
        took = sum(accepted, Decimal(0))
        ok = (
            not errors
            and final == initial - took
            and final >= 0
            and Decimal(ledger) == final
            and moves == len(accepted)
        )
        print(
            f"concurrent writers (PostgreSQL): {writers} threads x {attempts} consumptions of "
            f"1-3 units of one part, initial on hand {_q(initial)}: "
            f"{len(accepted)} accepted ({_q(took)} units), {len(refused)} refused "
            f"(not enough stock), {len(errors)} errors, {seconds:.1f} s"
        )
        print(
            f"check: final on hand {_q(final)} = {_q(initial)} - "
            f"{_q(took)} accepted -> {final == initial - took}; never below zero -> "
            f"{final >= 0}; ledger sum {_q(Decimal(ledger))} equals the balance -> "
            f"{Decimal(ledger) == final}; one move per accepted consumption -> "
            f"{moves == len(accepted)}"
        )
        if errors:
            print(f"errors: {errors[:3]!r}")
        report("concurrent writers consistent", ok)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
