"""The contracts rules hold the same at the screen and at the API: each case is sent
through both doors on the same data and must end the same way (same refusal, same row)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from modules.contracts.models import (
    ContractCoverage,
    DealerReimbursement,
    ScheduledVisit,
    ServiceContract,
)
from modules.contracts.services import create_reimbursement
from modules.contracts.services.reimbursements import transition as reimbursement_step
from tests.both_doors import Case, Door, check_both_doors
from tests.contracts.helpers import TODAY, D, make_contract, make_world, user_id

MANAGER = "Service Manager"


def world(s) -> dict:
    """make_world's partners and units, and three contracts: a draft maintenance contract
    (id 1), a signed one covering the air conditioners with two visits a year (id 2),
    and a signed dealer agreement (id 3)."""
    w = make_world(s)
    draft = make_contract(s, w["customer"], stage="draft", title="Draft care")
    active = make_contract(s, w["customer"], model_id=w["model"], visits_per_year=2)
    dealer = make_contract(
        s,
        w["dealer"],
        kind="dealer",
        labour_rate=D("30.00"),
        parts_discount_pct=D("10"),
        title="Dealer South",
    )
    return {**w, "draft": draft.id, "active": active.id, "agreement": dealer.id}


def _each(app, run, clean, door, cases, role=MANAGER):
    """Every case on a fresh world (the harness empties the tables between doors)."""
    wrong = []
    for case in cases:
        try:
            check_both_doors(app, run, lambda: (clean(), run(world)), door, [case], role=role)
        except AssertionError as err:
            wrong.append(str(err))
    assert not wrong, "\n".join(wrong)


def _contract(title: str):
    return lambda s: s.scalar(select(ServiceContract.id).where(ServiceContract.title == title))


CONTRACTS = Door(
    view="/servicecontractview",
    api="/api/v1/service_contract/",
    model=ServiceContract,
    ignore=("state_since",),
)


def test_contract_rules_hold_at_both_doors(app, run, clean):
    w = run(world)
    body = {
        "title": "Hotel Volna maintenance",
        "kind": "maintenance",
        "partner": w["customer"],
        "start_date": TODAY.isoformat(),
        "end_date": (TODAY + timedelta(days=364)).isoformat(),
        "price": "2400.00",
        "billing_period": "quarterly",
        "sla_calendar": "business",
        "response_hours": 4,
        "resolution_hours": 24,
    }
    dealer = {**body, "kind": "dealer", "labour_rate": "35.00", "title": "Dealer North"}
    _each(
        app,
        run,
        clean,
        CONTRACTS,
        [
            Case("a maintenance contract", body, True),
            Case("a dealer agreement with a dealer", {**dealer, "partner": w["dealer"]}, True),
            Case("a dealer agreement with a customer", dealer, False),
            Case("ends before it starts", {**body, "end_date": "2000-01-01"}, False),
            Case("an unknown time zone", {**body, "timezone": "Mars/Base"}, False),
            Case("resolved before answered", {**body, "resolution_hours": 2}, False),
            Case(
                "retitle a signed contract",
                {"title": "Gold"},
                True,
                edit=True,
                prepare=_contract("Maintenance gold"),
            ),  # fmt: skip
            Case(
                "reprice a signed contract",
                {"price": "1.00"},
                False,
                edit=True,
                prepare=_contract("Maintenance gold"),
            ),  # fmt: skip
            Case("approve a draft", {}, True, action="approve", prepare=_contract("Draft care")),
            Case("sign a draft", {}, False, action="sign", prepare=_contract("Draft care")),
            Case(
                "terminate without a reason",
                {},
                False,
                action="terminate",
                prepare=_contract("Draft care"),
            ),  # fmt: skip
            Case("delete", {}, False, delete=True, prepare=_contract("Draft care")),
        ],
    )


def test_coverage_rules_hold_at_both_doors(app, run, clean):
    w = run(world)
    door = Door(view="/contractcoverageview", api="/api/v1/contract_coverage/",
                model=ContractCoverage)  # fmt: skip
    line = {"contract": w["draft"], "unit": w["unit"], "note": "The lobby unit"}

    def draft_line(s) -> int:
        c = s.scalar(select(ServiceContract).where(ServiceContract.title == "Draft care"))
        row = ContractCoverage(contract=c, equipment_model_id=w["model2"])
        s.add(row)
        s.flush()
        return row.id

    def signed_line(s) -> int:
        return s.scalar(
            select(ContractCoverage.id).where(ContractCoverage.contract_id == w["active"])
        )

    _each(
        app,
        run,
        clean,
        door,
        [
            Case("a unit on a draft", line, True),
            Case(
                "a model on a draft", {**line, "unit": None, "equipment_model": w["model"]}, True
            ),  # fmt: skip
            Case("a unit and a model", {**line, "equipment_model": w["model"]}, False),
            Case("neither", {**line, "unit": None}, False),
            Case("a unit on a signed contract", {**line, "contract": w["active"]}, False),
            Case(
                "a note on a draft's line", {"note": "Fridges"}, True, edit=True, prepare=draft_line
            ),  # fmt: skip
            Case("a draft's line removed", {}, True, delete=True, prepare=draft_line),
            Case(
                "a signed contract's line removed", {}, False, delete=True, prepare=signed_line
            ),  # fmt: skip
        ],
    )


VISITS = Door(view="/scheduledvisitview", api="/api/v1/scheduled_visit/", model=ScheduledVisit)


def _visit(s) -> int:
    return s.scalar(select(ScheduledVisit.id).order_by(ScheduledVisit.seq))


def _my_visit(s) -> int:
    visit = s.get(ScheduledVisit, _visit(s))
    visit.technician_id = user_id(s, "Technician")
    return visit.id


def test_visit_rules_hold_at_both_doors(app, run, clean):
    w = run(world)
    visit = {"contract": w["active"], "planned_on": TODAY.isoformat(), "notes": "Filters"}
    tech = user_id_of(run, "Technician")
    _each(
        app,
        run,
        clean,
        VISITS,
        [
            Case("planned", {**visit, "technician": tech}, True),
            Case("outside the term", {**visit, "planned_on": "2000-01-01"}, False),
            Case(
                "moved",
                {"planned_on": (TODAY + timedelta(days=3)).isoformat()},
                True,
                edit=True,
                prepare=_visit,
            ),  # fmt: skip
            Case("done without the work", {}, False, action="complete", prepare=_visit),
            Case("missed without a reason", {}, False, action="miss", prepare=_visit),
            Case(
                "cancelled", {"comment": "Closed for works"}, True, action="cancel", prepare=_visit
            ),  # fmt: skip
            Case("deleted", {}, False, delete=True, prepare=_visit),
        ],
    )


def test_a_technician_records_his_visit_the_plan_is_the_managers(app, run, clean):
    w = run(world)
    visit = {"contract": w["active"], "planned_on": TODAY.isoformat()}
    _each(
        app,
        run,
        clean,
        VISITS,
        [
            Case(
                "the work recorded",
                {"work_done": "Filters cleaned", "hours": "1.5"},
                True,
                edit=True,
                prepare=_my_visit,
            ),  # fmt: skip
            Case(
                "moved by him",
                {"planned_on": (TODAY + timedelta(days=3)).isoformat()},
                False,
                edit=True,
                prepare=_my_visit,
            ),  # fmt: skip
            Case(
                "cancelled by him", {"comment": "Busy"}, False, action="cancel", prepare=_my_visit
            ),  # fmt: skip
            Case("planned by him", visit, False),
        ],
        role="Technician",
    )


def user_id_of(run, role: str) -> int:
    return run(lambda s: user_id(s, role))


REIMBURSEMENTS = Door(view="/dealerreimbursementview", api="/api/v1/dealer_reimbursement/",
                      model=DealerReimbursement)  # fmt: skip


def _request(*steps: str, unit: bool = True):
    def prepare(s) -> int:
        dealer_active = (ServiceContract.kind == "dealer", ServiceContract.state == "active")
        agreement = s.scalar(select(ServiceContract).where(*dealer_active))
        from modules.warranty.models import Unit

        item = create_reimbursement(
            s,
            DealerReimbursement(
                contract_id=agreement.id,
                unit_id=s.scalar(select(Unit.id).where(Unit.serial_number == "AC-0004"))
                if unit
                else None,
                work_date=TODAY,
                description="Fan motor",
                labour_hours=D("2"),
            ),
        )
        for step in steps:
            reimbursement_step(s, item, step)
        return item.id

    return prepare


def test_reimbursement_rules_hold_at_both_doors(app, run, clean):
    w = run(world)
    body = {
        "contract": w["agreement"],
        "unit": w["new_unit"],
        "dealer_ref": "DS-1",
        "work_date": TODAY.isoformat(),
        "description": "Compressor relay",
        "labour_hours": "1.5",
        "parts_amount": "50.00",
    }
    _each(
        app,
        run,
        clean,
        REIMBURSEMENTS,
        [
            Case("reported", body, True),
            Case("on a maintenance contract", {**body, "contract": w["active"]}, False),
            Case("work in the future", {**body, "work_date": "2999-01-01"}, False),
            Case("negative parts", {**body, "parts_amount": "-5.00"}, False),
            Case("hours changed", {"labour_hours": "3"}, True, edit=True, prepare=_request()),
            Case(
                "changed once checked",
                {"labour_hours": "3"},
                False,
                edit=True,
                prepare=_request("submit", "check"),
            ),  # fmt: skip
            Case("checked", {}, True, action="check", prepare=_request("submit")),
            Case(
                "checked with no unit",
                {},
                False,
                action="check",
                prepare=_request("submit", unit=False),
            ),  # fmt: skip
            Case("approved", {}, True, action="approve", prepare=_request("submit", "check")),
            Case(
                "rejected without a reason", {}, False, action="reject", prepare=_request("submit")
            ),  # fmt: skip
            Case("deleted", {}, False, delete=True, prepare=_request()),
        ],
    )
