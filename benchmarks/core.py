"""Core performance figures, each as a ratio to a baseline measured in the same run.

    .venv/bin/python benchmarks/core.py [--rows 100000]

On a fresh SQLite database:
1. partner list page and contact add form with --rows partners, against the same
   page with 1,000 partners: the ratio stays near 1 (no whole-table loads, no
   per-row queries); target <= 2;
2. SQL statements of the partner and contact list pages at page size 10 and 100:
   equal (no N+1);
3. CSV export of every partner through the app, against the sqlite3 command-line
   shell writing the same rows as CSV: target <= 3, and the Python peak memory of
   the export stays under 50 MB.
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(rows: int, folder: Path):
    from app import create_app
    from app.cli import ensure_user, upgrade_schema, write_permissions
    from app.db import db
    from modules.partners.models import Partner

    url = f"sqlite:///{folder}/bench-{rows}.db"
    app = create_app(
        {
            "SECRET_KEY": "b" * 32,
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "AUTH_RATE_LIMITED": False,
        }
    )
    with app.app_context():
        upgrade_schema()
        write_permissions()
        ensure_user("bench", "b@example.com", "B", "B", "bench-pass", "Admin")
        batch = []
        for i in range(rows):
            batch.append(
                {
                    "name": f"Partner {i:07d}",
                    "is_customer": True,
                    "city": "Kazan",
                    "email": f"p{i}@example.com",
                    "tax_id": f"T{i:09d}",
                    "active": True,
                }
            )
            if len(batch) == 10_000:
                db.session.execute(insert(Partner), batch)
                batch = []
        if batch:
            db.session.execute(insert(Partner), batch)
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    client.post("/login/", data={"username": "bench", "password": "bench-pass"})
    return app, client, url


def median_ms(client, path: str, n: int = 9) -> float:
    client.get(path)  # warm up
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(path)
        times.append(time.perf_counter() - t)
        assert r.status_code == 200, (path, r.status_code)
    return statistics.median(times) * 1000


def statements(app, client, path: str) -> int:
    from app.db import db

    with app.app_context():
        engine = db.engine
    count = [0]

    def on_execute(*args, **kwargs):
        count[0] += 1

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return count[0]


def main() -> int:
    ap = argparse.ArgumentParser(description="core performance figures")
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    os.environ.setdefault("AFTERSALES_MODULES", "partners")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base_app, base, _ = build(1_000, folder)
        big_app, big, big_url = build(args.rows, folder)
        for path in ("/partnerview/list/", "/contactview/add"):
            b, m = median_ms(base, path), median_ms(big, path)
            ratio = m / b
            print(
                f"{path:<22} 1k rows {b:7.1f} ms  {args.rows // 1000}k rows {m:7.1f} ms  "
                f"ratio {ratio:.2f} (target <= 2)"
            )
            if ratio > 2:
                failures.append(path)
        for view in ("PartnerView", "ContactView"):
            path = f"/{view.lower()}/list/"
            small = statements(big_app, big, f"{path}?psize_{view}=10")
            large = statements(big_app, big, f"{path}?psize_{view}=100")
            print(f"{path:<22} SQL statements at page size 10: {small}, at 100: {large}")
            if small != large:
                failures.append(f"{path} N+1")
        big.get("/exports/partners.csv").close()  # warm up, like the shell's page cache
        t = time.perf_counter()
        r = big.get("/exports/partners.csv")
        size = sum(len(chunk) for chunk in r.response)
        app_s = time.perf_counter() - t
        tracemalloc.start()  # a separate pass: tracing slows Python several times
        r = big.get("/exports/partners.csv")
        sum(len(chunk) for chunk in r.response)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if shutil.which("sqlite3"):
            db_file = big_url.removeprefix("sqlite:///")
            sql = (
                "SELECT id, ref, name, is_customer, is_dealer, is_supplier, tax_id, email, "
                "phone, street, city, region, postal_code, country, active FROM ptn_partner "
                "ORDER BY id;"
            )
            t = time.perf_counter()
            out = subprocess.run(
                ["sqlite3", "-csv", "-header", db_file, sql],  # noqa: S603,S607
                capture_output=True,
                check=True,
            )
            cli_s = time.perf_counter() - t
            ratio = app_s / cli_s
            print(
                f"CSV export of {args.rows} partners: app {app_s:.2f} s ({size / 1e6:.1f} MB), "
                f"sqlite3 shell {cli_s:.2f} s ({len(out.stdout) / 1e6:.1f} MB), "
                f"ratio {ratio:.2f} (target <= 3)"
            )
            if ratio > 3:
                failures.append("csv ratio")
        else:
            print("sqlite3 shell not installed: CSV ratio not measured")
        print(f"CSV export peak Python memory {peak / 1e6:.1f} MB (target < 50)")
        if peak > 50e6:
            failures.append("csv memory")
    print("FAILED: " + ", ".join(failures) if failures else "all core targets met")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
