"""What the navbar search finds in warranty (units by serial, repairs and shipments by
number, loaners by code or serial), and the loans and shipments on a unit's passport."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.formats import day
from app.search import Searchable
from modules.warranty.models import (
    REPAIR_STATES,
    SHIPMENT_STATES,
    Loaner,
    LoanerLoan,
    RepairOrder,
    Shipment,
    Unit,
)


def _unit_label(u: Unit) -> str:
    return f"{u.serial_number} · {u.equipment_model}"


def _repair_detail(r: RepairOrder) -> str:
    return f"{day(r.intake_date)} · {REPAIR_STATES.label(r.state)} · {r.unit} · {r.customer}"


def _shipment_detail(s: Shipment) -> str:
    when = day(s.delivered_on or s.shipped_on)
    return " · ".join(str(x) for x in (SHIPMENT_STATES.label(s.state), s.carrier, when) if x)


def _loan_detail(loan: LoanerLoan) -> str:
    back = day(loan.returned_on) or _l("not returned")
    return f"{day(loan.lent_on)} – {back} · {loan.repair}"


def _repairs_of(unit):
    return select(RepairOrder.id).where(RepairOrder.unit_id == unit.id)


SEARCH = [
    Searchable(
        kind="unit",
        title=_l("Units"),
        model=Unit,
        links=(("Unit", "UnitView"),),
        prefix=("serial_number", "sales_ref"),
        label=_unit_label,
        detail=lambda u: f"{u.customer} · {u.sale_date}",
        load=("equipment_model", "customer"),
    ),
    Searchable(
        kind="repair",
        title=_l("Repair orders"),
        model=RepairOrder,
        links=(("RepairOrder", "RepairOrderView"),),
        prefix=("number",),
        detail=_repair_detail,
        load=("unit", "customer"),
    ),
    Searchable(
        kind="shipment",
        title=_l("Shipments"),
        model=Shipment,
        links=(("Shipment", "ShipmentView"),),
        prefix=("number", "tracking_number"),
        detail=_shipment_detail,
        unit=lambda u: (Shipment.unit_id == u.id) | Shipment.repair_id.in_(_repairs_of(u)),
    ),
    Searchable(
        kind="loaner",
        title=_l("Loaners"),
        model=Loaner,
        links=(("Loaner", "LoanerView"),),
        prefix=("code", "serial_number"),
        contains=("name",),
    ),
    Searchable(
        kind="loan",
        title=_l("Loaner loans"),
        model=LoanerLoan,
        links=(("LoanerLoan", "LoanerLoanView"),),
        label=lambda loan: str(loan.loaner),
        detail=_loan_detail,
        load=("loaner", "repair"),
        unit=lambda u: LoanerLoan.repair_id.in_(_repairs_of(u)),
    ),
]
