"""Load test: simulated users of mixed roles against gunicorn + PostgreSQL, on loopback.

    .venv/bin/python benchmarks/load.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/test \
        --users 50 --seconds 120

It creates a scratch database next to the one named (dropped afterwards), runs
`flask aftersales init` and `demo`, starts `flask aftersales serve` (gunicorn,
--workers) on 127.0.0.1, and lets each simulated user log in through the JWT API
and loop over: list partners, open one, list tasks, and -- for managers -- create
a task and move it along (start, complete). Every request is bounded by a timeout,
the run by --seconds. At the end it checks: no server error and no unexpected
answer, task numbers unique and without gaps; it prints requests per second and
latency percentiles, and exits non-zero when a check fails.
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
WRITERS = {"manager"}


class User(threading.Thread):
    def __init__(self, port, username, deadline, stats):
        super().__init__(daemon=True)
        self.port, self.username, self.deadline, self.stats = port, username, deadline, stats
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

    def run(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        login = {"username": self.username, "password": self.username, "provider": "db"}
        got = self.call("POST", "/api/v1/security/login", login)
        if not got:
            return
        self.token = got["access_token"]
        while time.monotonic() < self.deadline:
            page = self.rnd.randint(0, 1)
            partners = self.call("GET", f"/api/v1/partner/?q=(page:{page},page_size:25)")
            if partners and partners["ids"]:
                self.call("GET", f"/api/v1/partner/{self.rnd.choice(partners['ids'])}")
            self.call("GET", "/api/v1/my_task/?q=(page_size:25)")
            if self.username in WRITERS:
                created = self.call(
                    "POST",
                    "/api/v1/task/",
                    {"title": f"Load {uuid.uuid4().hex[:8]}", "priority": "normal"},
                    expect=(201,),
                )
                if created:
                    for action in ("start", "complete"):
                        self.call("POST", f"/api/v1/task/{created['id']}/{action}", {})


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []

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
        for _ in range(60):
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        stats = Stats()
        deadline = time.monotonic() + args.seconds
        users = [
            User(args.port, ACCOUNTS[i % len(ACCOUNTS)], deadline, stats) for i in range(args.users)
        ]
        started = time.monotonic()
        for u in users:
            u.start()
        for u in users:
            u.join(args.seconds + 60)
        elapsed = time.monotonic() - started
        engine = create_engine(url)
        with engine.connect() as conn:
            numbers = [r[0] for r in conn.execute(text("SELECT number FROM stf_task"))]
        engine.dispose()
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    lat = sorted(stats.latencies)
    seq = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    gapless = seq == list(range(1, len(seq) + 1))
    print(f"users {args.users}, workers {args.workers}, {elapsed:.0f} s")
    print(f"requests {len(lat)}, {len(lat) / elapsed:.1f} per second")
    print(
        f"latency p50 {statistics.median(lat) * 1000:.0f} ms, "
        f"p95 {lat[int(len(lat) * 0.95)] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms"
    )
    print(f"errors {len(stats.errors)}" + (f": {stats.errors[:5]}" if stats.errors else ""))
    print(
        f"task numbers {len(numbers)}, unique {len(set(numbers)) == len(numbers)}, "
        f"gapless {gapless}"
    )
    return 0 if not stats.errors and gapless and len(set(numbers)) == len(numbers) else 1


if __name__ == "__main__":
    sys.exit(main())
