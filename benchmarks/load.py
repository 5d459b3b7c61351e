"""Load test: simulated users of mixed roles against gunicorn + PostgreSQL, on loopback.

    .venv/bin/python benchmarks/load.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/test \
        --users 50 --seconds 120

It creates a scratch database next to the one named (dropped afterwards), runs
`flask aftersales init` and `demo`, starts `flask aftersales serve` (gunicorn,
--workers) on 127.0.0.1, and lets each simulated user log in through the JWT API
and loop, with a think time between steps (--think, mean seconds), over what
his role does:
- everyone: list partners and open one, list repair orders (not HR) and open one,
  list parts;
- the service manager: take in a repair of a sold unit for the technician, add
  a spare part (reserving stock), diagnose, get a paid repair's quote approved,
  repair, sign the final inspection, mark ready and return it (consuming the
  reserved part); and create a task and move it along;
- the technician: his tasks and his repair orders;
- the warehouse clerk: stock levels.
Every request is bounded by a timeout, the run by --seconds. At the end it
checks: no server error and no unexpected answer; repair and task numbers
unique and without gaps; every stock balance equal to its ledger (on hand =
moves in - moves out) and its reservations (reserved = open reservations);
no negative stock. It prints requests per second and latency percentiles, and
exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = ["manager", "technician", "clerk", "claims", "hr", "accountant", "viewer"]


class User(threading.Thread):
    def __init__(self, port, username, deadline, stats, fixture, think_mean):
        super().__init__(daemon=True)
        self.port, self.username, self.deadline, self.stats = port, username, deadline, stats
        self.fixture, self.think_mean = fixture, think_mean
        self.rnd = random.Random(hash(username) ^ threading.get_ident())

    def call(self, method, path, body=None, expect=(200,)):
        headers = {"Content-Type": "application/json"}
        if getattr(self, "token", None):
            headers["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, json.dumps(body) if body is not None else None, headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.stats.record(time.perf_counter() - started, f"{method} {path}: {exc}")
            return None
        error = None if resp.status in expect else f"{method} {path}: {resp.status} {data[:200]!r}"
        self.stats.record(time.perf_counter() - started, error)
        return json.loads(data) if data and resp.status < 300 else None

    def think(self):
        if self.think_mean > 0:
            time.sleep(self.rnd.uniform(0, 2 * self.think_mean))

    def run(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        login = {"username": self.username, "password": self.username, "provider": "db"}
        got = self.call("POST", "/api/v1/security/login", login)
        if not got:
            return
        self.token = got["access_token"]
        while time.monotonic() < self.deadline:
            self.browse()
            if self.username == "manager":
                self.repair_cycle()
                self.task_cycle()
            elif self.username == "technician":
                self.call("GET", "/api/v1/my_task/?q=(page_size:25)")
                self.think()
            elif self.username == "clerk":
                self.call("GET", "/api/v1/stock_level/?q=(page_size:50)")
                self.think()

    def browse(self):
        page = self.rnd.randint(0, 1)
        partners = self.call("GET", f"/api/v1/partner/?q=(page:{page},page_size:25)")
        self.think()
        if partners and partners["ids"]:
            self.call("GET", f"/api/v1/partner/{self.rnd.choice(partners['ids'])}")
            self.think()
        if self.username == "hr":  # HR has no business with repairs
            return
        repairs = self.call("GET", "/api/v1/repair_order/?q=(page_size:25)")
        self.think()
        if repairs and repairs["ids"]:
            self.call("GET", f"/api/v1/repair_order/{self.rnd.choice(repairs['ids'])}")
            self.think()
        self.call("GET", "/api/v1/part/?q=(page_size:25)")
        self.think()

    def task_cycle(self):
        created = self.call(
            "POST",
            "/api/v1/task/",
            {"title": f"Load {uuid.uuid4().hex[:8]}", "priority": "normal"},
            expect=(201,),
        )
        if created:
            for action in ("start", "complete"):
                self.call("POST", f"/api/v1/task/{created['id']}/{action}", {})
        self.think()

    def repair_cycle(self):
        f = self.fixture
        body = {
            "unit": self.rnd.choice(f["units"]),
            "reported_defect": "Does not start (load test)",
            "technician": f["technician_id"],
        }
        created = self.call("POST", "/api/v1/repair_order/", body, expect=(201,))
        if not created:
            return
        rid = created["id"]
        self.think()
        part, warehouse = self.rnd.choice(f["stock"])
        line = {"repair": rid, "part": part, "warehouse": warehouse, "quantity": 1}
        self.call("POST", "/api/v1/repair_part_line/", line, expect=(201,))
        for action in ("receive", "diagnose"):
            self.call("POST", f"/api/v1/repair_order/{rid}/{action}", {})
        shown = self.call("GET", f"/api/v1/repair_order/{rid}")
        self.think()
        if shown and shown["result"].get("billing_type") == "paid":
            for action in ("send_quote", "approve"):
                self.call("POST", f"/api/v1/repair_order/{rid}/{action}", {})
        self.call("POST", f"/api/v1/repair_order/{rid}/start_repair", {})
        self.think()
        checklist = self.call("GET", f"/api/v1/repair_order/{rid}/checklist?kind=final")
        inspection = {"kind": "final", "passed": True}
        if checklist and checklist["items"]:
            inspection["results"] = {str(item["id"]): True for item in checklist["items"]}
        self.call("POST", f"/api/v1/repair_order/{rid}/inspection", inspection, expect=(200, 201))
        for action in ("mark_ready", "return_unit"):
            self.call("POST", f"/api/v1/repair_order/{rid}/{action}", {})
        with self.stats.lock:
            self.stats.repairs_returned += 1
        self.think()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.repairs_returned = 0

    def record(self, seconds, error):
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"), required=False)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=120)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    args = ap.parse_args()
    if not args.pg or not args.pg.startswith("postgresql"):
        print("needs --pg postgresql+psycopg://... (or TEST_DATABASE_URL)", file=sys.stderr)
        return 2
    name = f"aftersales_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = args.pg.rsplit("/", 1)[0] + "/" + name
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "FLASK_APP": "app:create_app",
        "AFTERSALES_INSTANCE_PATH": tempfile.mkdtemp(prefix=name),
        # every simulated user logs in from 127.0.0.1: lift the per-address throttle
        "AUTH_RATE_LIMIT": "10000 per 1 second",
        "LOG_LEVEL": "WARNING",
    }
    flask = str(Path(sys.executable).with_name("flask"))
    server = None
    try:
        for cmd in (["init"], ["demo"]):
            subprocess.run(
                [flask, "aftersales", *cmd], env=env, cwd=ROOT, check=True, capture_output=True
            )
        server = subprocess.Popen(
            [
                flask,
                "aftersales",
                "serve",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(240):  # the app takes a while to build on a busy machine
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("the server did not answer /health within 2 minutes")
        engine = create_engine(url)
        fixture = pick_fixture(engine)
        stats = Stats()
        deadline = time.monotonic() + args.seconds
        users = [
            User(args.port, ACCOUNTS[i % len(ACCOUNTS)], deadline, stats, fixture, args.think)
            for i in range(args.users)
        ]
        started = time.monotonic()
        for u in users:
            u.start()
        for u in users:
            u.join(args.seconds + 60)
        elapsed = time.monotonic() - started
        with engine.connect() as conn:
            tasks = [r[0] for r in conn.execute(text("SELECT number FROM stf_task"))]
            repairs = [
                r[0]
                for r in conn.execute(text("SELECT number FROM wty_repair_order"))
                if r[0] is not None
            ]
            stock_wrong = {name: conn.scalar(text(sql)) for name, sql in STOCK_CHECKS.items()}
        engine.dispose()
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    lat = sorted(stats.latencies)
    print(f"users {args.users}, workers {args.workers}, think {args.think} s, {elapsed:.0f} s")
    print(f"requests {len(lat)}, {len(lat) / elapsed:.1f} per second")
    print(
        f"latency p50 {statistics.median(lat) * 1000:.0f} ms, "
        f"p95 {lat[int(len(lat) * 0.95)] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms"
    )
    print(f"errors {len(stats.errors)}" + (f": {stats.errors[:5]}" if stats.errors else ""))
    ok = not stats.errors and stats.repairs_returned > 0
    for kind, numbers in (("task", tasks), ("repair", repairs)):
        unique, gapless = numbering_ok(numbers)
        print(f"{kind} numbers {len(numbers)}, unique {unique}, gapless {gapless}")
        ok = ok and unique and gapless
    print(f"repairs taken in and returned with a part consumed: {stats.repairs_returned}")
    for name, wrong in stock_wrong.items():
        print(f"stock check '{name}': {wrong} row(s) wrong")
        ok = ok and wrong == 0
    return 0 if ok else 1


STOCK_CHECKS = {
    "on hand = ledger": """
        WITH moves AS (
            SELECT part_id, to_warehouse_id AS wh, quantity AS q
            FROM inv_stock_move WHERE to_warehouse_id IS NOT NULL
            UNION ALL
            SELECT part_id, from_warehouse_id, -quantity
            FROM inv_stock_move WHERE from_warehouse_id IS NOT NULL
        ), ledger AS (SELECT part_id, wh, SUM(q) AS q FROM moves GROUP BY part_id, wh)
        SELECT count(*) FROM inv_stock_balance b
        FULL JOIN ledger l ON l.part_id = b.part_id AND l.wh = b.warehouse_id
        WHERE COALESCE(b.on_hand, 0) <> COALESCE(l.q, 0)""",
    "reserved = open reservations": """
        WITH res AS (
            SELECT part_id, warehouse_id, SUM(quantity) AS q FROM inv_reservation
            WHERE state = 'active' GROUP BY part_id, warehouse_id
        )
        SELECT count(*) FROM inv_stock_balance b
        FULL JOIN res r ON r.part_id = b.part_id AND r.warehouse_id = b.warehouse_id
        WHERE COALESCE(b.reserved, 0) <> COALESCE(r.q, 0)""",
    "never negative": """
        SELECT count(*) FROM inv_stock_balance
        WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand""",
}


def numbering_ok(numbers: list[str]) -> tuple[bool, bool]:
    """Unique, and per prefix and year 1..n without a gap (RO-2026-00001...)."""
    series: dict[str, list[int]] = {}
    for n in numbers:
        prefix, _, value = n.rpartition("-")
        series.setdefault(prefix, []).append(int(value))
    gapless = all(sorted(v) == list(range(1, len(v) + 1)) for v in series.values())
    return len(set(numbers)) == len(numbers), gapless


def pick_fixture(engine) -> dict:
    """Sold units to repair, parts in stock to put in, the technician's user id."""
    with engine.connect() as conn:
        units = [r[0] for r in conn.execute(text("SELECT id FROM wty_unit ORDER BY id"))]
        stock = [
            (r[0], r[1])
            for r in conn.execute(
                text(
                    "SELECT part_id, warehouse_id FROM inv_stock_balance "
                    "WHERE on_hand - reserved >= 20 ORDER BY part_id, warehouse_id"
                )
            )
        ]
        technician = conn.scalar(text("SELECT id FROM ab_user WHERE username = 'technician'"))
    if not units or not stock or technician is None:
        raise SystemExit("the demo data has no sold units, no stock or no technician login")
    return {"units": units, "stock": stock, "technician_id": technician}


if __name__ == "__main__":
    sys.exit(main())
