"""The steps taken from a warranty record's page (voiding, billing, inspections, lines
and loans from the repair's page) end as their API actions do (tests/warranty/doors.py)."""

from __future__ import annotations

from datetime import timedelta

from modules.warranty.models import (
    Checklist,
    ChecklistItem,
    LoanerLoan,
    RepairOrder,
    Unit,
)
from modules.warranty.services import lend_loaner, transition, void_warranty
from tests.warranty.doors import (
    FUTURE,
    RECENT,
    Step,
    check_steps,
    rebuilt,
    repair_state,
    repair_world,
    world,
)

MANAGER = "Service Manager"


# ---------------------------------------------------------------- steps from a record's page


def _voids(s, ids) -> list:
    return [
        (v.voided_on, v.reason, v.document, v.voided_by_id, v.reinstated_on, v.reinstate_reason)
        for v in s.get(Unit, ids["unit"]).voids
    ]


def test_voiding_and_reinstating(app, run, clean):
    w, reset = rebuilt(run, clean, world)

    def voided(s) -> dict:
        void_warranty(s, w["unit"], "Seal broken")
        return {}

    void = ("/api/v1/unit/{unit}/void", "/unitview/void/{unit}")
    reinstate = ("/api/v1/unit/{unit}/reinstate", "/unitview/reinstate/{unit}")
    check_steps(
        app,
        run,
        reset,
        w,
        [
            Step("voided", True, *void, {"reason": "Opened", "document": "Act 1"}, _voids),
            Step(
                "voided from a day",
                True,
                *void,
                {"reason": "Opened", "date": (RECENT + timedelta(days=9)).isoformat()},
                _voids,
            ),
            Step("no reason", False, *void, {"reason": " "}, _voids),
            Step("from tomorrow", False, *void, {"reason": "Opened", "date": FUTURE}, _voids),
            Step("a bad date", False, *void, {"reason": "Opened", "date": "1.12.2025"}, _voids),
            Step("twice", False, *void, {"reason": "Again"}, _voids, prepare=voided),
            Step("reinstated", True, *reinstate, {"reason": "Seal intact"}, _voids, prepare=voided),
            Step("not voided", False, *reinstate, {"reason": "Seal intact"}, _voids),
        ],
        role=MANAGER,
    )


def _in_repair(w):
    def go(s) -> dict:
        transition(s, s.get(RepairOrder, w["repair"]), "start_repair")
        return {"rid": w["repair"]}

    return go


def test_billing_and_inspections_on_the_repair_page(app, run, clean):
    w, reset = rebuilt(run, clean, repair_world)
    state = lambda s, ids: repair_state(s, ids["rid"])  # noqa: E731
    repair = lambda s: {"rid": w["repair"]}  # noqa: E731
    in_repair = _in_repair(w)

    def with_checklist(s) -> dict:
        c = Checklist(name="Final", kind="final", equipment_model_id=w["model"])
        c.items = [
            ChecklistItem(text="No leak", sequence=1),
            ChecklistItem(text="Label", sequence=2, required=False),
        ]
        s.add(c)
        s.flush()
        return {**in_repair(s), "leak": c.items[0].id, "label": c.items[1].id}

    billing = ("/api/v1/repair_order/{rid}/billing", "/repairorderview/billing/{rid}")
    inspect = ("/api/v1/repair_order/{rid}/inspection", "/repairorderview/inspect/{rid}")
    final = {"kind": "final", "passed": True, "notes": "ok"}
    final_form = {"kind": "final", "passed": "1", "notes": "ok"}
    check_steps(
        app,
        run,
        reset,
        w,
        [
            Step(
                "billed as paid by hand",
                True,
                *billing,
                {"billing_type": "paid", "reason": "Dropped"},
                state,
                prepare=repair,
            ),
            Step(
                "no reason",
                False,
                *billing,
                {"billing_type": "paid", "reason": ""},
                state,
                prepare=repair,
            ),
            Step(
                "an unknown billing",
                False,
                *billing,
                {"billing_type": "free", "reason": "x"},
                state,
                prepare=repair,
            ),
            Step(
                "a finished repair",
                False,
                *billing,
                {"billing_type": "paid", "reason": "x"},
                state,
                prepare=lambda s: {"rid": w["closed"]},
            ),
            Step(
                "final inspection passed",
                True,
                *inspect,
                final,
                state,
                form=final_form,
                prepare=in_repair,
            ),
            Step(
                "final inspection failed",
                True,
                *inspect,
                {**final, "passed": False},
                state,
                form={**final_form, "passed": "0"},
                prepare=in_repair,
            ),
            Step(
                "before the work is done",
                False,
                *inspect,
                final,
                state,
                form=final_form,
                prepare=repair,
            ),
            Step(
                "the checklist: a required item not ok",
                True,
                *inspect,
                {"kind": "final", "results": {"{leak}": False, "{label}": True}},
                state,
                form={"kind": "final", "item_{label}": "1"},
                prepare=with_checklist,
            ),
            Step(
                "the checklist: every item ok",
                True,
                *inspect,
                {"kind": "final", "results": {"{leak}": True, "{label}": True}},
                state,
                form={"kind": "final", "item_{leak}": "1", "item_{label}": "1"},
                prepare=with_checklist,
            ),
        ],
        role=MANAGER,
    )
    # the technician does not sign the final inspection of his own work
    check_steps(
        app,
        run,
        reset,
        w,
        [Step("his own work", False, *inspect, final, state, form=final_form, prepare=in_repair)],
        role="Technician",
    )


def test_lines_and_loans_from_the_repair_page(app, run, clean, monkeypatch):
    """The repair page's forms (add a part, add work, lend and take back a substitute
    unit) against the API's resources and actions."""
    w, reset = rebuilt(run, clean, repair_world)
    state = lambda s, ids: repair_state(s, ids["rid"])  # noqa: E731
    repair = lambda s: {"rid": w["repair"]}  # noqa: E731
    monkeypatch.setitem(app.config, "LABOUR_RATE", "0")

    def loans(s, ids) -> list:
        rows = (
            s.query(LoanerLoan).filter(LoanerLoan.repair_id == ids["rid"]).order_by(LoanerLoan.id)
        )
        return [
            (
                ln.loaner_id,
                ln.requested_on,
                ln.lent_on,
                ln.due_date,
                ln.condition_out,
                ln.returned_on,
                ln.condition_back,
                ln.loaner.state,
                ln.loaner.condition,
            )
            for ln in rows
        ]

    def lent(s) -> dict:
        loan = lend_loaner(s, s.get(RepairOrder, w["repair"]), w["loaner"])
        return {"rid": w["repair"], "loan": loan.id}

    part = ("/api/v1/repair_part_line/", "/repairorderview/add_part/{rid}")
    labour = ("/api/v1/repair_labour_line/", "/repairorderview/add_labour/{rid}")
    lend = ("/api/v1/loaner_loan/", "/repairorderview/lend/{rid}")
    give_back = ("/api/v1/loaner_loan/{loan}/return", "/repairorderview/return_loan/{rid}/{loan}")
    pump = {"repair": "{rid}", "part": w["part"], "warehouse": w["wh"], "quantity": 2}
    pump_form = {"part": str(w["part"]), "quantity": "2"}
    work = {"repair": "{rid}", "description": "Replace the pump", "hours": 1.5}
    work_form = {"description": "Replace the pump", "hours": "1,5"}
    check_steps(
        app,
        run,
        reset,
        w,
        [
            Step("two pumps", True, *part, pump, state, form=pump_form, prepare=repair),
            Step(
                "no pump",
                False,
                *part,
                {**pump, "quantity": 0},
                state,
                form={**pump_form, "quantity": "0"},
                prepare=repair,
            ),
            Step(
                "work at 40",
                True,
                *labour,
                {**work, "rate": 40},
                state,
                form={**work_form, "rate": "40"},
                prepare=repair,
            ),
            Step("work with no rate", False, *labour, work, state, form=work_form, prepare=repair),
            Step(
                "a substitute unit lent",
                True,
                *lend,
                {"repair": "{rid}", "loaner": w["loaner"], "condition_out": "scratched"},
                loans,
                form={"loaner": str(w["loaner"]), "condition_out": "scratched"},
                prepare=repair,
            ),
            Step(
                "one in maintenance",
                False,
                *lend,
                {"repair": "{rid}", "loaner": w["loaner_busy"]},
                loans,
                form={"loaner": str(w["loaner_busy"])},
                prepare=repair,
            ),
            Step(
                "taken back",
                True,
                *give_back,
                {"condition_back": "dented", "needs_maintenance": True},
                loans,
                form={"condition_back": "dented", "needs_maintenance": "1"},
                prepare=lent,
            ),
            Step(
                "taken back without a word",
                False,
                *give_back,
                {"condition_back": " "},
                loans,
                prepare=lent,
            ),
        ],
        role=MANAGER,
    )
