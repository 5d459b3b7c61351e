"""Warranty status of a unit on a date: statutory, manufacturer, extended, expired or voided.

- The warranty starts at the sale, or at the handover/installation when the
  policy says so (the sale date when the handover date is unknown).
- Months are counted by the installation's civil code (`app.deadlines.period_end`):
  31 January + 1 month ends on 28/29 February in Russia, on 1 March in Brazil.
  The end date is the last day covered.
- Time in repair extends the warranty (RU Law 2300-1 art. 20 §3): every repair
  under warranty adds the days from its intake to the unit's return (to the
  date asked about, while the unit is still in the workshop) to the statutory
  and manufacturer ends. Extended warranties keep their own contract dates.
- A void applies from its date until it is reinstated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import current_actor
from app.db import utcnow
from app.deadlines import MONTHS, installation_jurisdiction, period_end
from app.errors import DomainError, NotFound
from modules.warranty.models import (
    UNDER_WARRANTY,
    WARRANTY_STATUSES,
    ExtendedWarranty,
    RepairOrder,
    Unit,
    WarrantyPolicy,
    WarrantyVoid,
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


def repair_extension_days(
    session: Session, unit_id: int, on: date, exclude_repair_id: int | None = None
) -> int:
    """Days the unit spent in warranty repairs begun on or before `on`."""
    stmt = select(RepairOrder.id, RepairOrder.intake_date, RepairOrder.returned_on).where(
        RepairOrder.unit_id == unit_id,
        RepairOrder.billing_type == "warranty",
        RepairOrder.state.notin_(("draft", "cancelled")),
        RepairOrder.intake_date <= on,
    )
    total = 0
    for rid, intake, returned in session.execute(stmt):
        if rid == exclude_repair_id:
            continue
        until = min(returned, on) if returned else on
        total += max(0, (until - intake).days)
    return total


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
    ws.extension_days = repair_extension_days(session, unit.id, on, exclude_repair_id)
    ext = timedelta(days=ws.extension_days)
    if policy is not None:
        ws.covers = {
            "parts": policy.covers_parts,
            "labour": policy.covers_labour,
            "transport": policy.covers_transport,
        }
        if policy.statutory_months:
            ws.statutory_end = (
                period_end(start, policy.statutory_months, MONTHS, jurisdiction) + ext
            )
        if policy.manufacturer_months:
            ws.manufacturer_end = (
                period_end(start, policy.manufacturer_months, MONTHS, jurisdiction) + ext
            )
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
        ws.reason = gettext("The warranty starts on %(date)s.", date=start)
        return ws
    if ws.statutory_end and on <= ws.statutory_end:
        ws.status, ws.end = "statutory", ws.statutory_end
        ws.reason = gettext(
            "Statutory warranty of %(months)s months from %(start)s, until %(end)s",
            months=policy.statutory_months,
            start=start,
            end=ws.end,
        )
        ws.reason += extra
        return ws
    if ws.manufacturer_end and on <= ws.manufacturer_end:
        ws.status, ws.end = "manufacturer", ws.manufacturer_end
        ws.reason = gettext(
            "Manufacturer's warranty of %(months)s months from %(start)s, until %(end)s",
            months=policy.manufacturer_months,
            start=start,
            end=ws.end,
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
            start=ew.start_date,
            end=ew.end_date,
        )
        return ws
    ws.end = max(
        (d for d in (ws.statutory_end, ws.manufacturer_end, ws.extended_end) if d), default=None
    )
    if policy is None and not all_ext:
        ws.reason = gettext("No warranty policy applies to this unit.")
    else:
        ws.reason = gettext("The warranty ended on %(date)s.", date=ws.end)
    ws.covers = {}
    return ws


# -- units, policies, extended warranties ---------------------------------------------------


def check_policy(policy: WarrantyPolicy) -> None:
    if (
        policy.equipment_model_id is None
        and policy.equipment_model is None
        and not (policy.category or "").strip()
    ):
        raise DomainError(
            _l("A policy applies to an equipment model or to a category."), field="category"
        )
    for col in ("statutory_months", "manufacturer_months"):
        value = getattr(policy, col)
        if value is None or value < 0 or value > 1200:
            raise DomainError(_l("Give a number of months between 0 and 1200."), field=col)
    if (policy.starts_at or "sale") not in ("sale", "handover"):
        raise DomainError(_l("Not a valid choice."), field="starts_at")


def check_unit(session: Session, unit: Unit) -> None:
    unit.serial_number = (unit.serial_number or "").strip()
    if not unit.serial_number:
        raise DomainError(_l("The serial number is required."), field="serial_number")
    if unit.sale_date is None:
        raise DomainError(_l("The sale date is required."), field="sale_date")
    if unit.handover_date and unit.handover_date < unit.sale_date:
        raise DomainError(_l("The handover cannot be before the sale."), field="handover_date")
    if unit.sale_date > date.today():
        raise DomainError(_l("The sale date cannot be in the future."), field="sale_date")
    if unit.handover_date and unit.handover_date > date.today():
        raise DomainError(_l("The handover date cannot be in the future."), field="handover_date")
    if unit.price is not None and unit.price < 0:
        raise DomainError(_l("Prices cannot be negative."), field="price")
    customer = unit.customer
    if customer is not None and not customer.is_customer:
        raise DomainError(_l("This partner is not a customer."), field="customer")
    dealer = unit.dealer
    if dealer is not None and not dealer.is_dealer:
        raise DomainError(_l("This partner is not a dealer."), field="dealer")
    model_id = unit.equipment_model_id or (
        unit.equipment_model.id if unit.equipment_model else None
    )
    if model_id is not None:
        clash = session.scalar(
            select(Unit.id).where(
                Unit.equipment_model_id == model_id,
                Unit.serial_number == unit.serial_number,
            )
        )
        if clash is not None and clash != unit.id:
            raise DomainError(
                _l("A unit of this model with this serial number already exists."),
                field="serial_number",
                status=409,
            )


def check_extended(ew: ExtendedWarranty) -> None:
    if ew.start_date is None or ew.end_date is None:
        raise DomainError(_l("Give the start and end dates."), field="end_date")
    if ew.end_date < ew.start_date:
        raise DomainError(_l("The end cannot be before the start."), field="end_date")
    if ew.price is not None and ew.price < 0:
        raise DomainError(_l("Prices cannot be negative."), field="price")
    unit = ew.unit
    if unit is not None and ew.start_date < unit.sale_date:
        raise DomainError(
            _l("An extended warranty cannot start before the sale."), field="start_date"
        )


# -- void and reinstate ---------------------------------------------------------------------


def void_warranty(
    session: Session,
    unit_id: int,
    reason: str,
    voided_on: date | None = None,
    document: str | None = None,
) -> WarrantyVoid:
    """Void a unit's warranty (the service manager's right; checked by the caller)."""
    unit = get_unit(session, unit_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give the reason for voiding the warranty."), field="reason")
    if unit.active_void is not None:
        raise DomainError(_l("This unit's warranty is already voided."), status=409)
    voided_on = voided_on or date.today()
    if voided_on < unit.sale_date:
        raise DomainError(_l("A warranty cannot be voided before the sale."), field="voided_on")
    if voided_on > date.today():
        raise DomainError(_l("The date cannot be in the future."), field="voided_on")
    user_id, _name = current_actor()
    void = WarrantyVoid(
        unit=unit,
        voided_on=voided_on,
        reason=reason,
        document=(document or "").strip() or None,
        voided_by_id=user_id,
    )
    session.add(void)
    session.flush()
    return void


def reinstate_warranty(
    session: Session, unit_id: int, reason: str, on: date | None = None
) -> WarrantyVoid:
    unit = get_unit(session, unit_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give the reason for reinstating the warranty."), field="reason")
    void = unit.active_void
    if void is None:
        raise DomainError(_l("This unit's warranty is not voided."), status=409)
    on = on or date.today()
    if on < void.voided_on:
        raise DomainError(_l("The warranty cannot be reinstated before it was voided."), field="on")
    user_id, _name = current_actor()
    void.reinstated_on = on
    void.reinstate_reason = reason
    void.reinstated_by_id = user_id
    void.reinstated_at = utcnow()
    session.flush()
    return void


def _partner_by_ref(session: Session, ref: str | None, field: str):
    from modules.partners.models import Partner

    if not (ref or "").strip():
        return None
    partner = session.scalar(select(Partner).where(Partner.ref == ref.strip()))
    if partner is None:
        raise DomainError(_l("No partner with this reference."), field=field)
    return partner


def upsert_unit(session: Session, data: dict) -> str:
    """A sold unit from the sales system (CSV row): created, or updated when the model
    and serial number exist."""
    from modules.inventory.models import EquipmentModel

    data = dict(data)
    model = session.scalar(
        select(EquipmentModel).where(EquipmentModel.code == data.pop("model_code").strip())
    )
    if model is None:
        raise DomainError(_l("No equipment model with this code."), field="model_code")
    serial = data.pop("serial_number").strip()
    customer = _partner_by_ref(session, data.pop("customer_ref"), "customer_ref")
    dealer = _partner_by_ref(session, data.pop("dealer_ref", None), "dealer_ref")
    unit = session.scalar(
        select(Unit).where(Unit.equipment_model_id == model.id, Unit.serial_number == serial)
    )
    outcome = "updated" if unit is not None else "created"
    if unit is None:
        unit = Unit(equipment_model=model, equipment_model_id=model.id, serial_number=serial)
        session.add(unit)
    unit.customer, unit.customer_id = customer, customer.id
    if dealer is not None:
        unit.dealer, unit.dealer_id = dealer, dealer.id
    for key in ("sale_date", "handover_date", "price", "sales_ref", "notes"):
        if key in data:
            setattr(unit, key, data[key] if data[key] != "" else None)
    if unit.sales_ref:
        clash = session.scalar(
            select(Unit.id).where(Unit.sales_ref == unit.sales_ref, Unit.id != (unit.id or -1))
        )
        if clash is not None:
            raise DomainError(
                _l("A record with this value already exists."), field="sales_ref", status=409
            )
    check_unit(session, unit)
    return outcome
