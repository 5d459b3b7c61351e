"""Printed documents in the user's language: repair acceptance act, work completion act
(parts used, dates, warranty extension) and a unit's warranty certificate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy.orm import Session

from app.pdf import Document
from modules.warranty.models import (
    BILLING_TYPES,
    REPAIR_TYPES,
    WARRANTY_STATUSES,
    RepairOrder,
    Unit,
)
from modules.warranty.services import repairs, status


def _d(value: date | None) -> str:
    return format_date(value) if value else ""


def _unit_fields(unit: Unit) -> list[tuple]:
    model = unit.equipment_model
    return [
        (_l("Equipment model"), f"{model.code} {model.name}" if model else ""),
        (_l("Manufacturer"), model.manufacturer if model else ""),
        (_l("Serial number"), unit.serial_number),
        (_l("Sale date"), _d(unit.sale_date)),
        (_l("Handover / installation"), _d(unit.handover_date)),
        (_l("Selling dealer"), unit.dealer.name if unit.dealer else ""),
    ]


def _customer_fields(repair: RepairOrder) -> list[tuple]:
    c = repair.customer
    address = ", ".join(x for x in (c.street, c.city, c.postal_code) if x)
    return [(_l("Customer"), c.name), (_l("Phone"), c.phone), (_l("Address"), address)]


def acceptance_act(session: Session, repair: RepairOrder) -> bytes:
    doc = Document(gettext("Repair acceptance act %(number)s", number=repair.number))
    doc.title(
        _l("Repair acceptance act"),
        gettext("No. %(number)s of %(date)s", number=repair.number, date=_d(repair.intake_date)),
    )
    doc.heading(_l("Customer"))
    doc.fields(_customer_fields(repair))
    doc.heading(_p("sold unit", "Unit"))
    doc.fields(_unit_fields(repair.unit))
    doc.heading(_l("Intake"))
    dl = repairs.repair_deadline(session, repair)
    doc.fields(
        [
            (_l("Reported defect"), repair.reported_defect),
            (_l("Condition at intake"), repair.condition),
            (_l("Accessories received"), repair.accessories),
            (_l("Repair type"), REPAIR_TYPES.label(repair.repair_type)),
            (_l("Warranty at intake"), WARRANTY_STATUSES.label(repair.warranty_status)),
            (_l("Billing"), BILLING_TYPES.label(repair.billing_type)),
            (_l("Covered by"), repair.coverage_label),
            (
                _l("Legal repair deadline"),
                f"{_d(dl.due)} ({dl.basis})" if dl else _d(repair.due_date),
            ),
        ]
    )
    void = repair.unit.active_void
    if void is not None:
        doc.paragraph(
            gettext(
                "The unit's warranty was voided on %(date)s: %(reason)s",
                date=_d(void.voided_on),
                reason=void.reason,
            )
        )
    doc.paragraph(
        _l(
            "The unit was received for diagnosis and repair in the condition and with "
            "the accessories described above."
        ),
        size=9,
    )
    doc.signatures([_l("Handed over by the customer"), _l("Received by")])
    return doc.output()


def completion_act(session: Session, repair: RepairOrder) -> bytes:
    doc = Document(gettext("Work completion act %(number)s", number=repair.number))
    finished = repair.returned_on or repair.ready_on or date.today()
    doc.title(
        _l("Work completion act"),
        gettext("Repair order %(number)s of %(date)s", number=repair.number, date=_d(finished)),
    )
    doc.heading(_l("Customer"))
    doc.fields(_customer_fields(repair))
    doc.heading(_p("sold unit", "Unit"))
    doc.fields(_unit_fields(repair.unit))
    doc.heading(_l("Repair"))
    doc.fields(
        [
            (_l("Reported defect"), repair.reported_defect),
            (_l("Diagnosis"), repair.diagnosis),
            (_l("Work done"), repair.work_done),
            (_l("Intake date"), _d(repair.intake_date)),
            (_l("Ready on"), _d(repair.ready_on)),
            (_l("Returned on"), _d(repair.returned_on)),
            (_l("Billing"), BILLING_TYPES.label(repair.billing_type)),
        ]
    )
    parts = [ln for ln in repair.part_lines if ln.state != "released"]
    if parts:
        doc.heading(_l("Parts used"))
        doc.table(
            [_l("SKU"), _l("Part"), _l("Quantity"), _l("Unit price"), _l("Amount")],
            [
                (ln.part.sku, ln.part.name, ln.quantity.normalize(), ln.unit_price, ln.amount)
                for ln in parts
            ],
            widths=[0.15, 0.4, 0.13, 0.16, 0.16],
        )
    if repair.labour_lines:
        doc.heading(_l("Labour"))
        doc.table(
            [_l("Work"), _l("Date"), _l("Hours"), _l("Rate"), _l("Amount")],
            [
                (ln.description, _d(ln.performed_on), ln.hours.normalize(), ln.rate, ln.amount)
                for ln in repair.labour_lines
            ],
            widths=[0.45, 0.15, 0.1, 0.15, 0.15],
        )
    payable = repair.total if repair.billing_type == "paid" else Decimal("0.00")
    doc.fields(
        [
            (_l("Parts"), repair.parts_total),
            (_l("Labour"), repair.labour_total),
            (_l("Total"), repair.total),
            (_l("Payable by the customer"), payable),
        ]
    )
    if repair.billing_type == "warranty" and repair.intake_date:
        days = max(0, (finished - repair.intake_date).days)
        ws = status.warranty_status(session, repair.unit, finished)
        doc.heading(_l("Warranty extension"))
        doc.paragraph(
            gettext(
                "The warranty is extended by the %(days)s days the unit spent in repair "
                "(from %(start)s to %(end)s).",
                days=days,
                start=_d(repair.intake_date),
                end=_d(finished),
            )
        )
        if ws.end:
            doc.paragraph(gettext("Warranty now valid until %(date)s.", date=_d(ws.end)))
    doc.signatures([_l("Work handed over by"), _l("Accepted by the customer")])
    return doc.output()


def warranty_certificate(session: Session, unit: Unit) -> bytes:
    ws = status.warranty_status(session, unit)
    policy = status.policy_for(session, unit)
    doc = Document(gettext("Warranty certificate %(serial)s", serial=unit.serial_number))
    doc.title(
        _l("Warranty certificate"), gettext("Serial number %(serial)s", serial=unit.serial_number)
    )
    doc.fields([(_l("Customer"), unit.customer.name if unit.customer else ""), *_unit_fields(unit)])
    doc.heading(_l("Warranty"))
    covers = []
    if ws.covers.get("parts"):
        covers.append(str(_l("parts")))
    if ws.covers.get("labour"):
        covers.append(str(_l("labour")))
    if ws.covers.get("transport"):
        covers.append(str(_l("transport")))
    doc.fields(
        [
            (_l("Warranty policy"), policy.name if policy else ""),
            (_l("Warranty starts"), _d(ws.start)),
            (_l("Statutory warranty until"), _d(ws.statutory_end)),
            (_l("Manufacturer's warranty until"), _d(ws.manufacturer_end)),
            (_l("Days in warranty repair added"), ws.extension_days or ""),
            (_l("Covers"), ", ".join(covers)),
            (_l("Status today"), WARRANTY_STATUSES.label(ws.status)),
        ]
    )
    ext = [e for e in unit.extended_warranties if not e.cancelled]
    if ext:
        doc.heading(_l("Extended warranties"))
        doc.table(
            [_l("Reference"), _p("date", "Start"), _p("date", "End")],
            [(e.reference or "", _d(e.start_date), _d(e.end_date)) for e in ext],
            widths=[0.4, 0.3, 0.3],
        )
    doc.paragraph(ws.reason, size=9)
    doc.signatures([_l("Seller")])
    return doc.output()
