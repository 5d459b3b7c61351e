"""The stock ledger: balances after every kind of move, never negative, average cost,
reversals, reservations; the stock_move API refuses bad moves and writes nothing."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from app.db import db
from app.errors import DomainError
from modules.inventory import services
from modules.inventory.models import Part, StockMove, Warehouse
from tests.conftest import ROLE_USERS
from tests.inventory.helpers import D, level, make_world


def _receive(s, w, qty, cost, wh="main", part="part"):
    return services.post_move(
        s,
        part_id=w[part],
        quantity_=qty,
        reason="receipt",
        to_warehouse_id=w[wh],
        unit_cost=cost,
    )


def test_balances_after_receive_issue_transfer_adjust_and_reversal(run):
    w = run(make_world)
    run(lambda s: _receive(s, w, "10", "10.00"))
    run(
        lambda s: services.post_move(
            s, part_id=w["part"], quantity_="3", reason="issue", from_warehouse_id=w["main"]
        )
    )
    run(
        lambda s: services.post_move(
            s,
            part_id=w["part"],
            quantity_="2",
            reason="transfer",
            from_warehouse_id=w["main"],
            to_warehouse_id=w["van"],
        )
    )
    move = run(
        lambda s: (
            services.post_move(
                s,
                part_id=w["part"],
                quantity_="1",
                reason="adjustment",
                from_warehouse_id=w["main"],
            ).id
        )
    )
    assert run(lambda s: level(s, w["part"], w["main"])) == (D("4"), D("0"))
    assert run(lambda s: level(s, w["part"], w["van"])) == (D("2"), D("0"))
    run(lambda s: services.reverse_move(s, move))
    assert run(lambda s: level(s, w["part"], w["main"])) == (D("5"), D("0"))
    assert run(lambda s: services.available(s, w["part"], w["main"])) == D("5")
    with pytest.raises(DomainError):
        run(lambda s: services.reverse_move(s, move))
    assert run(lambda s: s.scalar(select(func.count()).select_from(StockMove))) == 5


def test_negative_stock_is_refused_and_nothing_written(run):
    w = run(make_world)
    run(lambda s: _receive(s, w, "2", "10"))
    with pytest.raises(DomainError) as err:
        run(
            lambda s: services.post_move(
                s, part_id=w["part"], quantity_="3", reason="issue", from_warehouse_id=w["main"]
            )
        )
    assert err.value.status == 409
    assert run(lambda s: level(s, w["part"], w["main"])) == (D("2"), D("0"))
    assert run(lambda s: s.scalar(select(func.count()).select_from(StockMove))) == 1


def test_moving_average_cost(run):
    w = run(make_world)
    run(lambda s: _receive(s, w, "10", "10.00"))
    run(lambda s: _receive(s, w, "10", "13.00", wh="van"))
    assert run(lambda s: s.get(Part, w["part"]).avg_cost) == D("11.50")
    out = run(
        lambda s: (
            services.post_move(
                s, part_id=w["part"], quantity_="4", reason="issue", from_warehouse_id=w["main"]
            ).unit_cost
        )
    )
    assert out == D("11.50")
    run(lambda s: _receive(s, w, "4", "20.00"))
    # (16 * 11.50 + 4 * 20) / 20 = 13.20
    assert run(lambda s: s.get(Part, w["part"]).avg_cost) == D("13.20")


def test_moves_are_never_updated(run):
    w = run(make_world)
    move_id = run(lambda s: _receive(s, w, "1", "1").id)

    def change(s):
        s.get(StockMove, move_id).quantity = D("5")
        s.flush()

    with pytest.raises(DomainError):
        run(change)


def test_reservations_reduce_available_and_consume(run):
    w = run(make_world)
    run(lambda s: _receive(s, w, "5", "10"))
    run(lambda s: services.reserve(s, w["part"], w["main"], "3", "repair", 42))
    assert run(lambda s: services.available(s, w["part"], w["main"])) == D("2")
    with pytest.raises(DomainError):
        run(lambda s: services.reserve(s, w["part"], w["main"], "3", "repair", 43))
    with pytest.raises(DomainError):
        run(
            lambda s: services.post_move(
                s, part_id=w["part"], quantity_="3", reason="issue", from_warehouse_id=w["main"]
            )
        )
    run(lambda s: services.consume(s, "repair", 42))
    assert run(lambda s: level(s, w["part"], w["main"])) == (D("2"), D("0"))
    run(lambda s: services.reserve(s, w["part"], w["main"], "1", "repair", 44))
    assert run(lambda s: services.release(s, "repair", 44)) == D("1")
    assert run(lambda s: level(s, w["part"], w["main"])) == (D("2"), D("0"))


def test_stock_move_api_posts_and_refuses(api, run):
    w = run(make_world)
    clerk = api("Warehouse Clerk")
    r = clerk.post(
        "/api/v1/stock_move/",
        json={
            "part": w["part"],
            "to_warehouse": w["main"],
            "quantity": "4",
            "unit_cost": "7.50",
            "reason": "receipt",
        },
    )
    assert r.status_code == 201, r.json
    move_id = r.json["id"]
    bad = [
        {"part": w["part"], "from_warehouse": w["main"], "quantity": "5", "reason": "issue"},
        {"part": w["part"], "from_warehouse": w["main"], "quantity": "-1", "reason": "issue"},
        {"part": w["part"], "from_warehouse": w["main"], "quantity": "1", "reason": "nope"},
        {"part": 999999, "to_warehouse": w["main"], "quantity": "1", "reason": "receipt"},
        {"part": w["part"], "to_warehouse": w["main"], "quantity": "x", "reason": "receipt"},
    ]
    for body in bad:
        r = clerk.post("/api/v1/stock_move/", json=body)
        assert 400 <= r.status_code < 500, (body, r.status_code)
        assert r.json["message"]
    assert run(lambda s: level(s, w["part"], w["main"])) == (D("4"), D("0"))
    assert clerk.put(f"/api/v1/stock_move/{move_id}", json={"quantity": 1}).status_code in (
        404,
        405,
    )
    assert clerk.delete(f"/api/v1/stock_move/{move_id}").status_code in (404, 405)
    r = clerk.post(f"/api/v1/stock_move/{move_id}/reverse")
    assert r.status_code == 201
    assert run(lambda s: level(s, w["part"], w["main"])) == (D("0"), D("0"))
    r = clerk.get(f"/api/v1/stock_level/?q=(filters:!((col:part,opr:rel_o_m,value:{w['part']})))")
    assert r.status_code == 200
    assert api("Technician").post("/api/v1/stock_move/", json={}).status_code == 403


def test_technician_consumes_for_his_work(api, run):
    w = run(make_world)

    def his_van(s):
        tech_id = s.scalar(select(User.id).where(User.username == ROLE_USERS["Technician"]))
        s.get(Warehouse, w["van"]).user_id = tech_id

    run(his_van)
    run(lambda s: _receive(s, w, "3", "10", wh="van"))
    run(lambda s: _receive(s, w, "3", "10", wh="main"))
    tech = api("Technician")
    r = tech.post(
        "/api/v1/stock_move/consume",
        json={
            "ref_type": "repair",
            "ref_id": "7",
            "part": w["part"],
            "warehouse": w["main"],
            "quantity": 1,
        },
    )
    assert r.status_code == 403  # not his van
    r = tech.post(
        "/api/v1/stock_move/consume",
        json={
            "ref_type": "repair",
            "ref_id": "7",
            "part": w["part"],
            "warehouse": w["van"],
            "quantity": 2,
        },
    )
    assert r.status_code == 201, r.json
    r = tech.post(
        "/api/v1/stock_move/consume",
        json={
            "ref_type": "repair",
            "ref_id": "7",
            "part": w["part"],
            "warehouse": w["van"],
            "quantity": 2,
        },
    )
    assert r.status_code == 409
    assert run(lambda s: level(s, w["part"], w["van"])) == (D("1"), D("0"))
    assert api("Accountant").post("/api/v1/stock_move/consume", json={}).status_code == 403


def test_concurrent_consumers_never_go_negative(app, run):
    """Eight requests consume one part each five times from 20 (SQLite too)."""
    w = run(make_world)
    run(lambda s: _receive(s, w, "20", "10"))
    accepted: list[Decimal] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def worker():
        try:
            with app.app_context():
                for _ in range(5):
                    try:
                        services.post_move(
                            db.session,
                            part_id=w["part"],
                            quantity_="1",
                            reason="consumption",
                            from_warehouse_id=w["main"],
                        )
                        db.session.commit()
                        with lock:
                            accepted.append(D(1))
                    except DomainError:
                        db.session.rollback()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    on_hand, _ = run(lambda s: level(s, w["part"], w["main"]))
    assert on_hand == D(20) - sum(accepted)
    assert on_hand >= 0
    assert sum(accepted) == 20


def test_simultaneous_reversals_of_one_move_record_one(app, api, run):
    """Eight clerks reverse the same move at once: one reversal, seven 409s (the
    unique reverses_id used to answer the losers with a 500). Runs on SQLite too."""
    w = run(make_world)
    run(lambda s: _receive(s, w, "10", "10.00"))
    # An issue: its reversal puts stock back, so no "not enough stock" stops the losers.
    move_id = run(
        lambda s: (
            services.post_move(
                s, part_id=w["part"], quantity_="3", reason="issue", from_warehouse_id=w["main"]
            ).id
        )
    )
    clients = [api("Warehouse Clerk") for _ in range(8)]
    barrier = threading.Barrier(len(clients))
    codes: list[int] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def worker(client):
        try:
            barrier.wait()
            r = client.post(f"/api/v1/stock_move/{move_id}/reverse")
            with lock:
                codes.append(r.status_code)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(codes) == [201] + [409] * 7, codes
    reversals = run(
        lambda s: s.scalar(
            select(func.count()).select_from(StockMove).where(StockMove.reverses_id == move_id)
        )
    )
    assert reversals == 1
    assert run(lambda s: level(s, w["part"], w["main"])) == (D("10"), D("0"))
