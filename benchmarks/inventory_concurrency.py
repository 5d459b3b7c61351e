"""The inventory benchmark on PostgreSQL: writers consuming the same part at once."""

from __future__ import annotations

import random
import threading
import time
from decimal import Decimal

from inventory_app import init_schema, ledger_sum, make_app
from sqlalchemy import func, select, text


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
