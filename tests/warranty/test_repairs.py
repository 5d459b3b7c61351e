"""Repair services: billing decision (with a fake contract provider), parts reserved
and consumed, quality control, loaners, the completion signal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import signals
from app.errors import DomainError
from app.models import StateTransition
from modules.inventory.models import StockMove
from modules.inventory.services.stock import post_move
from modules.warranty import hooks
from modules.warranty.models import Checklist, ChecklistItem, Loaner, RepairOrder
from modules.warranty.services import (
    add_labour_line,
    add_part_line,
    lend_loaner,
    open_repair,
    override_billing,
    record_inspection,
    remove_part_line,
    return_loaner,
    transition,
    void_warranty,
)
from modules.warranty.services.inspections import failed_inspections_by_technician
from tests.warranty.helpers import D, level, make_world, user_id

RECENT = date.today() - timedelta(days=100)


@pytest.fixture
def contract_provider():
    calls = []

    def provider(session, unit_id, on):
        calls.append((unit_id, on))
        return hooks.Coverage("contract", 42, "SC-2026-00042 Gold", True, False, True)

    hooks.register_coverage_provider(provider)
    yield calls
    hooks.unregister_coverage_provider(provider)


def _open(run, w, **kw):
    def go(s):
        r = open_repair(s, w["unit"], "Does not drain", warehouse_id=w["wh"], **kw)
        return r.id

    return run(go)


def get(run, rid, attr):
    return run(lambda s: getattr(s.get(RepairOrder, rid), attr), commit=False)


def test_billing_warranty_contract_paid_and_override(run, contract_provider):
    w = run(lambda s: make_world(s, sale=RECENT))
    rid = _open(run, w)
    assert get(run, rid, "billing_type") == "warranty"
    assert get(run, rid, "warranty_status") == "manufacturer"
    assert get(run, rid, "number").startswith(f"RO-{date.today().year}-")
    assert contract_provider == []  # under warranty: no one else asked

    # voided: the contract covers it, with its flags
    run(lambda s: void_warranty(s, w["unit"], "Tampered seal"))
    rid2 = _open(run, w)
    assert get(run, rid2, "billing_type") == "contract"
    assert (get(run, rid2, "coverage_source"), get(run, rid2, "coverage_ref_id")) == (
        "contract",
        42,
    )
    assert get(run, rid2, "coverage_label") == "SC-2026-00042 Gold"
    assert get(run, rid2, "covers_labour") is False

    hooks.unregister_coverage_provider(hooks.coverage_providers()[-1])
    rid3 = _open(run, w, origin="claim:7")
    assert get(run, rid3, "billing_type") == "paid"
    assert get(run, rid3, "origin") == "claim:7"

    with pytest.raises(DomainError):
        run(lambda s: override_billing(s, s.get(RepairOrder, rid3), "warranty", " "))
    run(lambda s: override_billing(s, s.get(RepairOrder, rid3), "warranty", "Goodwill"))
    assert get(run, rid3, "billing_type") == "warranty"
    assert get(run, rid3, "billing_overridden") is True


def test_expired_unit_is_paid_and_needs_an_approved_quote(run):
    w = run(lambda s: make_world(s, sale=date(2020, 1, 1)))
    rid = _open(run, w, receive=True)
    assert get(run, rid, "billing_type") == "paid"
    run(lambda s: transition(s, s.get(RepairOrder, rid), "diagnose"))
    with pytest.raises(DomainError, match="approval"):
        run(lambda s: transition(s, s.get(RepairOrder, rid), "start_repair"))
    run(lambda s: add_labour_line(s, s.get(RepairOrder, rid), "Diagnosis", "1.5", "40"))
    run(lambda s: transition(s, s.get(RepairOrder, rid), "send_quote"))
    assert get(run, rid, "quote_amount") == D("60.00")
    run(lambda s: transition(s, s.get(RepairOrder, rid), "approve"))
    run(lambda s: transition(s, s.get(RepairOrder, rid), "start_repair"))
    assert get(run, rid, "state") == "in_repair"


def test_parts_reserved_when_added_consumed_when_done(run):
    w = run(lambda s: make_world(s, sale=RECENT, stock_qty="5"))
    rid = _open(run, w, receive=True, technician_id=run(lambda s: user_id(s, "Technician")))
    run(lambda s: transition(s, s.get(RepairOrder, rid), "diagnose"))
    lid = run(lambda s: add_part_line(s, s.get(RepairOrder, rid), w["part"], "2").id)
    assert run(lambda s: level(s, w["part"], w["wh"])) == (D(5), D(2))
    with pytest.raises(DomainError):  # same part twice
        run(lambda s: add_part_line(s, s.get(RepairOrder, rid), w["part"], "1"))
    from modules.warranty.models import RepairPartLine

    run(lambda s: remove_part_line(s, s.get(RepairPartLine, lid)))
    assert run(lambda s: level(s, w["part"], w["wh"])) == (D(5), D(0))
    run(lambda s: add_part_line(s, s.get(RepairOrder, rid), w["part"], "3"))
    # a part not in stock waits for it
    waiting = run(lambda s: add_part_line(s, s.get(RepairOrder, rid), w["part2"], "1").state)
    assert waiting == "waiting"
    run(lambda s: transition(s, s.get(RepairOrder, rid), "start_repair"))
    run(
        lambda s: record_inspection(
            s, s.get(RepairOrder, rid), passed=True, inspector_id=user_id(s, "Service Manager")
        )
    )

    moves_before = run(lambda s: s.scalar(select(func.count(StockMove.id))))
    with pytest.raises(DomainError, match="BRG-2") as err:
        run(lambda s: transition(s, s.get(RepairOrder, rid), "mark_ready"))
    assert err.value.status == 409
    assert get(run, rid, "state") == "in_repair"
    assert run(lambda s: s.scalar(select(func.count(StockMove.id)))) == moves_before
    assert run(lambda s: level(s, w["part"], w["wh"])) == (D(5), D(3))

    run(
        lambda s: post_move(
            s,
            part_id=w["part2"],
            quantity_="1",
            reason="receipt",
            to_warehouse_id=w["wh"],
            unit_cost="15",
        )
    )
    run(lambda s: transition(s, s.get(RepairOrder, rid), "mark_ready"))
    assert run(lambda s: level(s, w["part"], w["wh"])) == (D(2), D(0))
    assert run(lambda s: level(s, w["part2"], w["wh"])) == (D(0), D(0))
    cost = run(lambda s: s.get(RepairOrder, rid).parts_cost)
    assert cost == D("135.00")  # 3 x 40 + 1 x 15 at average cost


def test_final_inspection_by_another_user_and_failures_counted(run):
    w = run(lambda s: make_world(s, sale=RECENT, stock_qty=None))
    tech = run(lambda s: user_id(s, "Technician"))
    mgr = run(lambda s: user_id(s, "Service Manager"))

    def checklist(s):
        c = Checklist(name="Washer final", kind="final", equipment_model_id=w["model"])
        c.items = [
            ChecklistItem(text="No leak", sequence=1),
            ChecklistItem(text="Label", sequence=2, required=False),
        ]
        s.add(c)
        s.flush()
        return [i.id for i in c.items]

    items = run(checklist)
    rid = _open(run, w, receive=True, technician_id=tech)
    for a in ("diagnose", "start_repair"):
        run(lambda s, a=a: transition(s, s.get(RepairOrder, rid), a))
    with pytest.raises(DomainError) as err:
        run(
            lambda s: record_inspection(
                s, s.get(RepairOrder, rid), inspector_id=tech, results={items[0]: True}
            )
        )
    assert err.value.status == 403
    failed = run(
        lambda s: (
            record_inspection(
                s, s.get(RepairOrder, rid), inspector_id=mgr, results={items[0]: False}
            ).result
        )
    )
    assert failed == "failed"
    with pytest.raises(DomainError, match="inspection"):
        run(lambda s: transition(s, s.get(RepairOrder, rid), "mark_ready"))
    ok = run(
        lambda s: (
            record_inspection(
                s, s.get(RepairOrder, rid), inspector_id=mgr, results={items[0]: True}
            ).result
        )
    )
    assert ok == "passed"
    run(lambda s: transition(s, s.get(RepairOrder, rid), "mark_ready"))
    report = run(failed_inspections_by_technician)
    assert [(r["technician_id"], r["inspections"], r["failed"]) for r in report] == [(tech, 2, 1)]


def test_loaner_blocks_return_and_completion_signal(run):
    w = run(lambda s: make_world(s, sale=RECENT, stock_qty=None))
    mgr = run(lambda s: user_id(s, "Service Manager"))
    lid = run(lambda s: _add_loaner(s))
    rid = _open(run, w, receive=True, technician_id=run(lambda s: user_id(s, "Technician")))
    loan_id, due = run(
        lambda s: (
            (ln := lend_loaner(s, s.get(RepairOrder, rid), lid, condition_out="good")).id,
            ln.due_date,
        )
    )
    assert timedelta(days=3) <= due - date.today() <= timedelta(days=8)
    with pytest.raises(DomainError):
        run(lambda s: lend_loaner(s, s.get(RepairOrder, rid), lid))
    for a in ("diagnose", "start_repair"):
        run(lambda s, a=a: transition(s, s.get(RepairOrder, rid), a))
    run(lambda s: record_inspection(s, s.get(RepairOrder, rid), passed=True, inspector_id=mgr))
    run(lambda s: transition(s, s.get(RepairOrder, rid), "mark_ready"))
    with pytest.raises(DomainError, match="substitute") as err:
        run(lambda s: transition(s, s.get(RepairOrder, rid), "return_unit"))
    assert err.value.status == 409
    assert get(run, rid, "state") == "ready"

    from modules.warranty.models import LoanerLoan

    run(
        lambda s: return_loaner(
            s, s.get(LoanerLoan, loan_id), condition_back="scratched", needs_maintenance=True
        )
    )
    assert run(lambda s: s.get(Loaner, lid).state) == "maintenance"
    got = []

    def receiver(sender, **kw):
        got.append(kw)

    signals.repair_completed.connect(receiver)
    try:
        run(lambda s: transition(s, s.get(RepairOrder, rid), "return_unit"))
    finally:
        signals.repair_completed.disconnect(receiver)
    assert got and got[0]["repair_id"] == rid and got[0]["on_time"] is True
    assert set(got[0]) >= {"session", "technician_user_id", "opened_at", "closed_at"}
    assert get(run, rid, "returned_on") == date.today()
    steps = run(
        lambda s: s.scalars(
            select(StateTransition.to_state)
            .where(StateTransition.doc_type == "wty_repair_order", StateTransition.doc_id == rid)
            .order_by(StateTransition.id)
        ).all()
    )
    assert steps == ["draft", "received", "diagnosing", "in_repair", "ready", "returned"]


def _add_loaner(s):
    ln = Loaner(code="L-1", name="Loaner washer", state="available", condition="good")
    s.add(ln)
    s.flush()
    return ln.id


def test_cancel_releases_reservations_and_needs_a_comment(run):
    w = run(lambda s: make_world(s, sale=RECENT, stock_qty="5"))
    rid = _open(run, w, receive=True)
    run(lambda s: add_part_line(s, s.get(RepairOrder, rid), w["part"], "2"))
    with pytest.raises(DomainError):
        run(lambda s: transition(s, s.get(RepairOrder, rid), "cancel"))
    run(lambda s: transition(s, s.get(RepairOrder, rid), "cancel", "Customer withdrew"))
    assert run(lambda s: level(s, w["part"], w["wh"])) == (D(5), D(0))
    with pytest.raises(DomainError) as err:
        run(lambda s: transition(s, s.get(RepairOrder, rid), "receive"))
    assert err.value.status == 409


def test_deadline_is_the_legal_one(run, app):
    w = run(lambda s: make_world(s, sale=RECENT))
    rid = _open(run, w)
    due = get(run, rid, "due_date")
    assert timedelta(days=45) <= due - date.today() <= timedelta(days=50)  # RU, next working day


def test_the_api_names_the_checklist_an_inspection_must_answer(run, api):
    w = run(lambda s: make_world(s, sale=RECENT, stock_qty=None))
    tech = run(lambda s: user_id(s, "Technician"))

    def checklist(s):
        c = Checklist(name="Washer final", kind="final", equipment_model_id=w["model"])
        c.items = [
            ChecklistItem(text="Label", sequence=2, required=False),
            ChecklistItem(text="No leak", sequence=1),
        ]
        s.add(c)
        s.flush()
        return {i.text: i.id for i in c.items}

    items = run(checklist)
    rid = _open(run, w, receive=True, technician_id=tech)
    mgr = api("Service Manager")
    r = mgr.get(f"/api/v1/repair_order/{rid}/checklist")
    assert r.status_code == 200
    assert r.json["checklist"]["name"] == "Washer final"
    assert [(i["text"], i["required"]) for i in r.json["items"]] == [
        ("No leak", True),
        ("Label", False),
    ]
    assert mgr.get(f"/api/v1/repair_order/{rid}/checklist?kind=intake").json == {
        "checklist": None,
        "items": [],
    }
    assert mgr.get(f"/api/v1/repair_order/{rid}/checklist?kind=other").status_code == 400
    assert mgr.get("/api/v1/repair_order/999999/checklist").status_code == 404
    for a in ("diagnose", "start_repair"):
        run(lambda s, a=a: transition(s, s.get(RepairOrder, rid), a))
    results = {str(items["No leak"]): True}
    r = mgr.post(f"/api/v1/repair_order/{rid}/inspection", json={"results": results})
    assert r.status_code == 201 and r.json["result"] == "passed"
