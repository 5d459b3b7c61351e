"""Inventory performance checks; prints ratios measured in the same run (no timed tests).

1. Available quantity of one part in one warehouse: one indexed lookup on the
   balance table, compared with summing the ledger, at a small and a large ledger.
2. The stock move list page and the stock_move API list: SQL statements per
   request at page size 10 and 100 (must be equal).

    python benchmarks/inventory.py [--moves 100000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from decimal import Decimal

from sqlalchemy import case, event, func, insert, select


def build_app(path: str):
    os.environ.setdefault("AFTERSALES_INSTANCE_PATH", path)
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-secret-key-of-at-least-32-bytes",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(path, "bench.db"),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "AUTH_RATE_LIMITED": False,
        }
    )


def seed(session, n_moves: int) -> tuple[int, int]:
    from modules.inventory.models import Part, StockBalance, StockMove, Warehouse

    whs = [Warehouse(code=f"W{i}", name=f"W{i}", kind="main") for i in range(5)]
    parts = [Part(sku=f"B-{i:05d}", name=f"Part {i}") for i in range(200)]
    session.add_all(whs + parts)
    session.flush()
    rows = []
    for i in range(n_moves):
        rows.append(
            {
                "part_id": parts[i % len(parts)].id,
                "to_warehouse_id": whs[i % len(whs)].id,
                "quantity": Decimal(1),
                "unit_cost": Decimal("2.50"),
                "reason": "receipt",
            }
        )
        if len(rows) == 10_000:
            session.execute(insert(StockMove), rows)
            rows = []
    if rows:
        session.execute(insert(StockMove), rows)
    totals = session.execute(
        select(StockMove.part_id, StockMove.to_warehouse_id, func.sum(StockMove.quantity)).group_by(
            StockMove.part_id, StockMove.to_warehouse_id
        )
    ).all()
    session.execute(
        insert(StockBalance),
        [{"part_id": p, "warehouse_id": w, "on_hand": q, "reserved": 0} for p, w, q in totals],
    )
    session.commit()
    return parts[7].id, whs[2].id


def timed(fn, repeat: int = 200) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def ledger_sum(session, part_id, wh_id):
    from modules.inventory.models import StockMove

    signed = case(
        (StockMove.to_warehouse_id == wh_id, StockMove.quantity), else_=-StockMove.quantity
    )
    return session.scalar(
        select(func.sum(signed)).where(
            StockMove.part_id == part_id,
            (StockMove.to_warehouse_id == wh_id) | (StockMove.from_warehouse_id == wh_id),
        )
    )


def count_statements(engine, fn) -> int:
    n = 0

    def before(*args, **kwargs):
        nonlocal n
        n += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return n


def measure(label: str, n: int) -> dict:
    from app.cli import ensure_user, upgrade_schema, write_permissions
    from app.db import db
    from modules.inventory.services import available

    tmp = tempfile.mkdtemp(prefix=f"inv-bench-{label}-")
    app = build_app(tmp)
    out: dict = {"moves": n}
    with app.app_context():
        upgrade_schema()
        write_permissions()
        ensure_user("bench", "bench@example.com", "B", "B", "Bench-pw-2026!", "Admin")
        db.session.commit()
        part_id, wh_id = seed(db.session, n)
        assert available(db.session, part_id, wh_id) == ledger_sum(db.session, part_id, wh_id)
        out["stmts"] = count_statements(db.engine, lambda: available(db.session, part_id, wh_id))
        out["balance"] = timed(lambda: available(db.session, part_id, wh_id))
        out["sum"] = timed(lambda: ledger_sum(db.session, part_id, wh_id), 20)
        engine = db.engine
    client = app.test_client()
    client.post("/login/", data={"username": "bench", "password": "Bench-pw-2026!"})
    for size in (10, 100):
        out[("view", size)] = count_statements(
            engine, lambda s=size: client.get(f"/stockmoveview/list/?psize_StockMoveView={s}")
        )
        out[("api", size)] = count_statements(
            engine, lambda s=size: client.get(f"/api/v1/stock_move/?q=(page_size:{s})")
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=100_000)
    args = parser.parse_args()
    small, large = measure("small", 1_000), measure("large", args.moves)
    print(f"available(): {small['stmts']} statement(s) per lookup")
    for name, key in (("balance lookup", "balance"), ("ledger sum", "sum")):
        print(
            f"{name:15} {small['moves']:>7} moves: {small[key] * 1e6:8.1f} us   "
            f"{large['moves']:>7} moves: {large[key] * 1e6:8.1f} us   "
            f"ratio large/small: {large[key] / small[key]:5.2f}"
        )
    print(
        f"ledger sum / balance lookup at {large['moves']} moves: "
        f"{large['sum'] / large['balance']:.1f}"
    )
    for r in (small, large):
        print(
            f"{r['moves']} moves: list page statements psize 10 -> {r[('view', 10)]}, "
            f"100 -> {r[('view', 100)]}; API list page_size 10 -> {r[('api', 10)]}, "
            f"100 -> {r[('api', 100)]}"
        )


if __name__ == "__main__":
    main()
