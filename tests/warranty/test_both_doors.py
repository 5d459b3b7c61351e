"""Every warranty resource with rules holds them the same at the screen and at the API:
the same refusals, the same rows written (tests/both_doors.py). The steps taken from a
record's page: test_both_doors_steps.py."""

from __future__ import annotations

from modules.warranty.models import (
    Checklist,
    ChecklistItem,
    ExtendedWarranty,
    Loaner,
    LoanerLoan,
    RepairLabourLine,
    RepairOrder,
    RepairPartLine,
    Unit,
    WarrantyPolicy,
)
from modules.warranty.services import lend_loaner, open_repair, transition
from tests.both_doors import Case, Door, check_both_doors
from tests.warranty.doors import (
    FUTURE,
    TODAY,
    rebuilt,
    repair_world,
    world,
)

MANAGER = "Service Manager"


def test_units(app, run, clean):
    w, reset = rebuilt(run, clean, world)
    unit = {
        "serial_number": "SN-2",
        "equipment_model": w["model"],
        "customer": w["customer"],
        "dealer": w["dealer"],
        "sale_date": "2025-05-02",
        "price": "450.00",
    }
    the_unit = lambda s: w["unit"]  # noqa: E731
    check_both_doors(
        app,
        run,
        reset,
        Door("/unitview", "/api/v1/unit/", Unit),
        [
            Case("a sold unit", unit, True),
            Case("serial number of the model taken", {**unit, "serial_number": "SN-0001"}, False),
            Case("the customer is a dealer", {**unit, "customer": w["dealer"]}, False),
            Case("the dealer is a customer", {**unit, "dealer": w["customer"]}, False),
            Case("sold in the future", {**unit, "sale_date": FUTURE}, False),
            Case("handed over before the sale", {**unit, "handover_date": "2025-05-01"}, False),
            Case("archived", {"active": False}, True, edit=True, prepare=the_unit),
            Case(
                "sale moved to the future",
                {"sale_date": FUTURE},
                False,
                edit=True,
                prepare=the_unit,
            ),
        ],
        role=MANAGER,
    )


def test_warranty_policies(app, run, clean):
    w, reset = rebuilt(run, clean, world)
    policy = {
        "name": "Dryers 24m",
        "category": "Dryers",
        "statutory_months": 0,
        "manufacturer_months": 24,
        "starts_at": "sale",
    }
    check_both_doors(
        app,
        run,
        reset,
        Door("/warrantypolicyview", "/api/v1/warranty_policy/", WarrantyPolicy),
        [
            Case("a policy for a category", policy, True),
            Case("for no model and no category", {**policy, "category": None}, False),
            Case("1300 months", {**policy, "manufacturer_months": 1300}, False),
            Case("starts at an unknown event", {**policy, "starts_at": "install"}, False),
            Case(
                "edited to cover transport",
                {"covers_transport": True},
                True,
                edit=True,
                prepare=lambda s: w["policy"],
            ),
            Case(
                "edited to no model",
                {"equipment_model": None},
                False,
                edit=True,
                prepare=lambda s: w["policy"],
            ),
        ],
        role=MANAGER,
    )


def test_extended_warranties(app, run, clean):
    w, reset = rebuilt(run, clean, world)
    start = TODAY.replace(year=TODAY.year + 1)
    ext = {
        "unit": w["unit"],
        "reference": "EXT-9",
        "start_date": start.isoformat(),
        "end_date": start.replace(year=start.year + 2).isoformat(),
        "price": "99.00",
    }

    def sold(s) -> int:
        e = ExtendedWarranty(
            unit_id=w["unit"], reference="EXT-1", start_date=start, end_date=start, price=10
        )
        s.add(e)
        s.flush()
        return e.id

    check_both_doors(
        app,
        run,
        reset,
        Door("/extendedwarrantyview", "/api/v1/extended_warranty/", ExtendedWarranty),
        [
            Case("two more years", ext, True),
            Case("ends before it starts", {**ext, "end_date": "2025-01-01"}, False),
            Case("starts before the sale", {**ext, "start_date": "2020-01-01"}, False),
            Case("a negative price", {**ext, "price": "-1.00"}, False),
            Case("cancelled", {"cancelled": True}, True, edit=True, prepare=sold),
        ],
        role=MANAGER,
    )


def test_repair_orders(app, run, clean):
    w, reset = rebuilt(run, clean, repair_world)
    intake = {
        "unit": w["unit"],
        "reported_defect": "Water stays in the drum",
        "technician": w["tech"],
        "warehouse": w["wh"],
        "repair_type": "workshop",
    }

    def draft(s) -> int:
        return open_repair(s, w["unit"], "noise", technician_id=w["tech"]).id

    def quote_sent(s) -> int:
        r = s.get(RepairOrder, w["paid"])
        transition(s, r, "send_quote")
        return r.id

    def within_quote(s) -> int:
        r = s.get(RepairOrder, w["paid"])
        for action in ("send_quote", "approve", "start_repair"):
            transition(s, r, action)
        return r.id

    def inspected(prepare):
        def go(s) -> int:
            from modules.warranty.services import record_inspection

            rid = prepare(s)
            record_inspection(s, s.get(RepairOrder, rid), passed=True, inspector_id=w["manager"])
            return rid

        return go

    door = Door("/repairorderview", "/api/v1/repair_order/", RepairOrder, ignore=("closed_at",))
    check_both_doors(
        app,
        run,
        reset,
        door,
        [
            Case("a repair taken in", intake, True),
            Case("taken in tomorrow", {**intake, "intake_date": FUTURE}, False),
            Case("taken in before the sale", {**intake, "intake_date": "2020-01-01"}, False),
            Case("no defect described", {**intake, "reported_defect": " "}, False),
            Case("diagnosed", {"diagnosis": "Pump"}, True, edit=True, prepare=draft),
            Case(
                "a cancelled one edited",
                {"diagnosis": "x"},
                False,
                edit=True,
                prepare=lambda s: w["closed"],
            ),
            Case(
                "the quote changed while the customer decides",
                {"quote_amount": "30.00"},
                False,
                edit=True,
                prepare=quote_sent,
            ),
            Case("received", {}, True, action="receive", prepare=draft),
            Case("a draft marked ready", {}, False, action="mark_ready", prepare=draft),
            Case(
                "a quote for a warranty repair",
                {},
                False,
                action="send_quote",
                prepare=lambda s: w["repair"],
            ),
            Case(
                "ready at 90.00 when 40.00 was approved",
                {},
                False,
                action="mark_ready",
                prepare=inspected(lambda s: w["paid"]),
            ),
            Case(
                "a new quote for the 90.00",
                {},
                True,
                action="send_quote",
                prepare=lambda s: w["paid"],
            ),
            Case(
                "ready once 90.00 is approved",
                {},
                True,
                action="mark_ready",
                prepare=inspected(within_quote),
            ),
            Case("cancelled without a reason", {}, False, action="cancel", prepare=draft),
            Case("cancelled", {"comment": "Duplicate"}, True, action="cancel", prepare=draft),
        ],
        role=MANAGER,
    )


def test_a_technician_takes_repairs_for_himself(app, run, clean):
    w, reset = rebuilt(run, clean, repair_world)
    intake = {"unit": w["unit"], "reported_defect": "Noisy", "repair_type": "workshop"}
    check_both_doors(
        app,
        run,
        reset,
        Door("/repairorderview", "/api/v1/repair_order/", RepairOrder),
        [
            Case("for himself by default", intake, True),
            Case("for the manager", {**intake, "technician": w["manager"]}, False),
        ],
        role="Technician",
    )


def test_part_lines(app, run, clean):
    w, reset = rebuilt(run, clean, repair_world)
    line = {"repair": w["repair"], "part": w["part"], "warehouse": w["wh"], "quantity": "2"}
    check_both_doors(
        app,
        run,
        reset,
        Door("/repairpartlineview", "/api/v1/repair_part_line/", RepairPartLine),
        [
            Case("two pumps, at their sale price", line, True),
            Case("at a price of our own", {**line, "unit_price": "60.00"}, True),
            Case("none", {**line, "quantity": "0"}, False),
            Case("a negative price", {**line, "unit_price": "-5.00"}, False),
            Case("on a cancelled repair", {**line, "repair": w["closed"]}, False),
            Case(
                "edited",
                {"note": "x"},
                False,
                edit=True,
                prepare=lambda s: s.get(RepairOrder, w["paid"]).part_lines[0].id,
            ),
        ],
        role=MANAGER,
    )


def test_labour_lines(app, run, clean, monkeypatch):
    w, reset = rebuilt(run, clean, repair_world)
    labour = {
        "repair": w["repair"],
        "description": "Replace the pump",
        "hours": "1.5",
        "performed_on": TODAY.isoformat(),
    }
    door = Door("/repairlabourlineview", "/api/v1/repair_labour_line/", RepairLabourLine)
    monkeypatch.setitem(app.config, "LABOUR_RATE", "0")
    check_both_doors(
        app,
        run,
        reset,
        door,
        [
            Case("at 40 an hour", {**labour, "rate": "40.00"}, True),
            Case("free, on purpose", {**labour, "rate": "0.00"}, True),
            Case("no rate, none configured", labour, False),
            Case("no hours", {**labour, "hours": "0", "rate": "40.00"}, False),
            Case("done tomorrow", {**labour, "performed_on": FUTURE, "rate": "40.00"}, False),
            Case("on a cancelled repair", {**labour, "repair": w["closed"], "rate": "1"}, False),
        ],
        role=MANAGER,
    )
    monkeypatch.setitem(app.config, "LABOUR_RATE", "35")
    check_both_doors(
        app, run, reset, door, [Case("no rate: the installation's", labour, True)], role=MANAGER
    )


def test_checklists_and_their_items(app, run, clean):
    def checklist_world(s) -> dict:
        w = world(s)
        c = Checklist(name="Final", kind="final")
        s.add(c)
        s.flush()
        return {**w, "checklist": c.id}

    w, reset = rebuilt(run, clean, checklist_world)
    check_both_doors(
        app,
        run,
        reset,
        Door("/checklistview", "/api/v1/checklist/", Checklist),
        [
            Case("a final checklist", {"name": "Washers", "kind": "final"}, True),
            Case(
                "for on-site repairs",
                {"name": "On site", "kind": "final", "repair_type": "on_site"},
                True,
            ),
            Case("no name", {"name": " ", "kind": "final"}, False),
            Case("an unknown kind", {"name": "Out", "kind": "outgoing"}, False),
        ],
        role=MANAGER,
    )
    item = {"checklist": w["checklist"], "sequence": 5, "text": "No leak", "required": True}
    check_both_doors(
        app,
        run,
        reset,
        Door("/checklistitemview", "/api/v1/checklist_item/", ChecklistItem),
        [
            Case("an item", item, True),
            Case("an optional item", {**item, "required": False}, True),
            Case("nothing to check", {**item, "text": "  "}, False),
            Case("a negative order", {**item, "sequence": -1}, False),
        ],
        role=MANAGER,
    )


def test_loaners_and_loans(app, run, clean):
    w, reset = rebuilt(run, clean, repair_world)
    check_both_doors(
        app,
        run,
        reset,
        Door("/loanerview", "/api/v1/loaner/", Loaner),
        [
            Case("a substitute unit", {"code": "L-3", "name": "Spare dryer"}, True),
            Case("no code", {"code": " ", "name": "Spare dryer"}, False),
            Case(
                "lent by hand", {"state": "lent"}, False, edit=True, prepare=lambda s: w["loaner"]
            ),
            Case(
                "sent to maintenance",
                {"state": "maintenance"},
                True,
                edit=True,
                prepare=lambda s: w["loaner"],
            ),
        ],
        role=MANAGER,
    )
    loan = {"repair": w["repair"], "loaner": w["loaner"], "condition_out": "scratched"}

    def lent(s) -> int:
        return lend_loaner(s, s.get(RepairOrder, w["repair"]), w["loaner"]).id

    check_both_doors(
        app,
        run,
        reset,
        Door("/loanerloanview", "/api/v1/loaner_loan/", LoanerLoan),
        [
            Case("lent while the unit is repaired", loan, True),
            Case(
                "asked for on the day of intake", {**loan, "requested_on": TODAY.isoformat()}, True
            ),
            Case("a unit in maintenance", {**loan, "loaner": w["loaner_busy"]}, False),
            Case("for a cancelled repair", {**loan, "repair": w["closed"]}, False),
            Case("lent tomorrow", {**loan, "lent_on": FUTURE}, False),
            Case("asked for before the intake", {**loan, "requested_on": "2020-01-01"}, False),
            Case("edited", {"notes": "x"}, False, edit=True, prepare=lent),
        ],
        role=MANAGER,
    )
