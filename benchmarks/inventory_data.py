"""The inventory benchmark's data set: 20,000 parts, 5 warehouses and a million stock moves
written straight into SQLite, with balances that must equal the ledger."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from inventory_app import USER
from sqlalchemy import bindparam, func, insert, select, update

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


def _outside_transaction(conn, sql: str) -> None:
    """Run a PRAGMA SQLite ignores inside a transaction. app.db begins every
    transaction itself (BEGIN IMMEDIATE), so the session's connection is in one:
    end it, run the PRAGMA, begin again (the session's commit ends that one)."""
    conn.exec_driver_sql("COMMIT")
    conn.exec_driver_sql(sql)
    conn.exec_driver_sql("BEGIN IMMEDIATE")


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
        _outside_transaction(conn, "PRAGMA foreign_keys=OFF")
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
        _outside_transaction(conn, "PRAGMA foreign_keys=ON")
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
