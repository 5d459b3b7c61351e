"""Warranty status of a unit on a date: statutory, manufacturer, extended, expired or voided.

- The warranty starts at the sale, or at the handover/installation when the
  policy says so (the sale date when the handover date is unknown).
- Months are counted by the installation's civil code (`app.deadlines.period_end`):
  31 January + 1 month ends on 28/29 February in Russia, on 1 March in Brazil.
  The end date is the last day covered.
- Time in repair extends the warranty (RU Law 2300-1 art. 20 §3), each tier on
  its own: a repair under warranty begun while the tier ran (on or before its
  end, as extended by the repairs before it) adds the days from its intake to the
  unit's return (to the date asked about, while the unit is still in the
  workshop). A repair begun after a tier ended does not bring it back: a repair
  under the manufacturer's warranty leaves an ended statutory warranty as it was.
  Extended warranties keep their own contract dates.
- A void applies from its date until it is reinstated.

Units, policies, extended warranties, voids and their rules: `units.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import formats
from app.deadlines import MONTHS, installation_jurisdiction, period_end
from app.errors import NotFound
from modules.warranty.models import (
    UNDER_WARRANTY,
    WARRANTY_STATUSES,
    RepairOrder,
    Unit,
    WarrantyPolicy,
)


@dataclass
class WarrantyStatus:
    unit_id: int
    on: date
    status: str  # statutory / manufacturer / extended / expired / voided
    end: date | None
    reason: str
    start: date | None = None
    statutory_end: date | None = None
    manufacturer_end: date | None = None
    extended_end: date | None = None
    extension_days: int = 0
    policy_id: int | None = None
    extended_warranty_id: int | None = None
    void_id: int | None = None
    covers: dict = field(default_factory=dict)

    @property
    def under_warranty(self) -> bool:
        return self.status in UNDER_WARRANTY

    @property
    def label(self) -> str:
        return WARRANTY_STATUSES.label(self.status)

    def as_dict(self) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "unit_id": self.unit_id,
            "date": self.on.isoformat(),
            "status": self.status,
            "status_label": self.label,
            "under_warranty": self.under_warranty,
            "end_date": iso(self.end),
            "reason": self.reason,
            "start_date": iso(self.start),
            "statutory_end": iso(self.statutory_end),
            "manufacturer_end": iso(self.manufacturer_end),
            "extended_end": iso(self.extended_end),
            "extension_days": self.extension_days,
            "policy_id": self.policy_id,
            "extended_warranty_id": self.extended_warranty_id,
            "void_id": self.void_id,
            "covers": self.covers,
        }


def get_unit(session: Session, unit_id) -> Unit:
    unit = session.get(Unit, unit_id) if isinstance(unit_id, int) else None
    if unit is None:
        raise NotFound(_l("No such unit."), field="unit")
    return unit


def policy_for(session: Session, unit: Unit) -> WarrantyPolicy | None:
    """The unit's own policy, else the active one of its equipment model, else of its category."""
    if unit.policy_id is not None:
        return unit.policy
    model = unit.equipment_model
    stmt = select(WarrantyPolicy).where(WarrantyPolicy.active.is_(True))
    found = session.scalars(
        stmt.where(WarrantyPolicy.equipment_model_id == unit.equipment_model_id).order_by(
            WarrantyPolicy.id
        )
    ).first()
    if found is None and model is not None and model.category:
        found = session.scalars(
            stmt.where(
                WarrantyPolicy.equipment_model_id.is_(None),
                WarrantyPolicy.category == model.category,
            ).order_by(WarrantyPolicy.id)
        ).first()
    return found


def warranty_start(unit: Unit, policy: WarrantyPolicy | None) -> date:
    if policy is not None and policy.starts_at == "handover" and unit.handover_date:
        return unit.handover_date
    return unit.sale_date


def repair_periods(
    session: Session, unit_id: int, on: date, exclude_repair_id: int | None = None
) -> list[tuple[date, date]]:
    """(intake, until) of the unit's warranty repairs begun on or before `on`, oldest
    first; `until` is the return, or `on` while the unit is still in the workshop."""
    stmt = (
        select(RepairOrder.id, RepairOrder.intake_date, RepairOrder.returned_on)
        .where(
            RepairOrder.unit_id == unit_id,
            RepairOrder.billing_type == "warranty",
            RepairOrder.state.notin_(("draft", "cancelled")),
            RepairOrder.intake_date <= on,
        )
        .order_by(RepairOrder.intake_date, RepairOrder.id)
    )
    return [
        (intake, min(returned, on) if returned else on)
        for rid, intake, returned in session.execute(stmt)
        if rid != exclude_repair_id
    ]


def extended_by_repairs(end: date, periods: list[tuple[date, date]]) -> tuple[date, int]:
    """A tier's last day extended by the time in repair while it ran, and the days
    added: a repair counts when it began on or before the end reached so far (days
    two repairs share count once); one begun after the end extends nothing."""
    days = 0
    counted_to: date | None = None  # the unit is known to be in repair up to this day
    for intake, until in periods:
        if intake > end + timedelta(days=days):
            break  # the tier had ended when this repair began (and the later ones)
        begin = intake if counted_to is None else max(intake, counted_to)
        if until > begin:
            days += (until - begin).days
            counted_to = until
    return end + timedelta(days=days), days


def warranty_status(
    session: Session,
    unit: Unit | int,
    on: date | None = None,
    *,
    jurisdiction: str | None = None,
    exclude_repair_id: int | None = None,
) -> WarrantyStatus:
    if not isinstance(unit, Unit):
        unit = get_unit(session, unit)
    on = on or date.today()
    jurisdiction = jurisdiction or installation_jurisdiction()
    policy = policy_for(session, unit)
    start = warranty_start(unit, policy)
    ws = WarrantyStatus(unit.id, on, "expired", None, "", start=start)
    ws.policy_id = policy.id if policy else None
    periods = repair_periods(session, unit.id, on, exclude_repair_id)
    statutory_days = manufacturer_days = 0
    if policy is not None:
        ws.covers = {
            "parts": policy.covers_parts,
            "labour": policy.covers_labour,
            "transport": policy.covers_transport,
        }
        if policy.statutory_months:
            ws.statutory_end, statutory_days = extended_by_repairs(
                period_end(start, policy.statutory_months, MONTHS, jurisdiction), periods
            )
        if policy.manufacturer_months:
            ws.manufacturer_end, manufacturer_days = extended_by_repairs(
                period_end(start, policy.manufacturer_months, MONTHS, jurisdiction), periods
            )
    # the days of the tier in force (after every tier: of the one that ended last)
    if ws.statutory_end and start <= on <= ws.statutory_end:
        ws.extension_days = statutory_days
    elif ws.manufacturer_end and start <= on <= ws.manufacturer_end:
        ws.extension_days = manufacturer_days
    else:
        ws.extension_days = max(statutory_days, manufacturer_days)
    extended = [
        ew
        for ew in unit.extended_warranties
        if not ew.cancelled and ew.start_date <= on <= ew.end_date
    ]
    all_ext = [ew for ew in unit.extended_warranties if not ew.cancelled]
    if all_ext:
        ws.extended_end = max(ew.end_date for ew in all_ext)

    void = next((v for v in unit.voids if v.applies_on(on)), None)
    if void is not None:
        ws.status, ws.void_id = "voided", void.id
        ws.end = void.voided_on
        ws.reason = gettext(
            "Warranty voided on %(date)s: %(reason)s", date=void.voided_on, reason=void.reason
        )
        return ws
    extra = (
        gettext(" (extended by %(days)s days in repair)", days=ws.extension_days)
        if ws.extension_days
        else ""
    )
    if on < start:
        ws.reason = gettext("The warranty starts on %(date)s.", date=formats.day(start))
        return ws
    # a tier's end is set only from a policy
    if policy is not None and ws.statutory_end and on <= ws.statutory_end:
        ws.status, ws.end = "statutory", ws.statutory_end
        ws.reason = gettext(
            "Statutory warranty of %(months)s months from %(start)s, until %(end)s",
            months=policy.statutory_months,
            start=formats.day(start),
            end=formats.day(ws.end),
        )
        ws.reason += extra
        return ws
    if policy is not None and ws.manufacturer_end and on <= ws.manufacturer_end:
        ws.status, ws.end = "manufacturer", ws.manufacturer_end
        ws.reason = gettext(
            "Manufacturer's warranty of %(months)s months from %(start)s, until %(end)s",
            months=policy.manufacturer_months,
            start=formats.day(start),
            end=formats.day(ws.end),
        )
        ws.reason += extra
        return ws
    if extended:
        ew = max(extended, key=lambda e: e.end_date)
        ws.status, ws.end, ws.extended_warranty_id = "extended", ew.end_date, ew.id
        ws.covers = {
            "parts": ew.covers_parts,
            "labour": ew.covers_labour,
            "transport": ew.covers_transport,
        }
        ws.reason = gettext(
            "Extended warranty %(ref)s from %(start)s until %(end)s",
            ref=ew.reference or "",
            start=formats.day(ew.start_date),
            end=formats.day(ew.end_date),
        )
        return ws
    ws.end = max(
        (d for d in (ws.statutory_end, ws.manufacturer_end, ws.extended_end) if d), default=None
    )
    if policy is None and not all_ext:
        ws.reason = gettext("No warranty policy applies to this unit.")
    else:
        ws.reason = gettext("The warranty ended on %(date)s.", date=formats.day(ws.end))
    ws.covers = {}
    return ws
