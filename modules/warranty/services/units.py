"""Sold units, warranty policies, extended warranties, voids and reinstatements: their
rules (one object per resource, shared by the screens, the API and the import)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import current_actor
from app.db import utcnow
from app.errors import DomainError
from app.rules import Archived
from modules.warranty.models import (
    ExtendedWarranty,
    RepairOrder,
    Unit,
    WarrantyPolicy,
    WarrantyVoid,
)
from modules.warranty.services.repairs import decide_billing
from modules.warranty.services.status import get_unit

# a reinstatement bills again the repairs still at intake (not those being diagnosed,
# whose quote or work may already follow their billing)
REBILLED_STATES = ("draft", "received")

# -- units, policies, extended warranties ---------------------------------------------------


def _names_a_row(item, relation: str, key: str) -> bool:
    """Whether `item` names a related row: by the relation when a door set it (a form
    that empties the field sets it to None, which wins over the key at flush), else
    by its key."""
    if sa_inspect(item).attrs[relation].history.has_changes():
        return getattr(item, relation) is not None
    return getattr(item, key) is not None or getattr(item, relation) is not None


def check_policy(policy: WarrantyPolicy) -> None:
    policy.category = (policy.category or "").strip() or None
    if not _names_a_row(policy, "equipment_model", "equipment_model_id") and not policy.category:
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
        raise DomainError(_l("A warranty cannot be voided before the sale."), field="date")
    if voided_on > date.today():
        raise DomainError(_l("The date cannot be in the future."), field="date")
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
    """Lift the unit's void from `on` (today by default). The unit's repairs not yet
    in diagnosis whose billing the void decided (not those the manager set by hand)
    are billed again, as an edit of their intake would."""
    unit = get_unit(session, unit_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give the reason for reinstating the warranty."), field="reason")
    void = unit.active_void
    if void is None:
        raise DomainError(_l("This unit's warranty is not voided."), status=409)
    on = on or date.today()
    if on < void.voided_on:
        raise DomainError(
            _l("The warranty cannot be reinstated before it was voided."), field="date"
        )
    user_id, _name = current_actor()
    void.reinstated_on = on
    void.reinstate_reason = reason
    void.reinstated_by_id = user_id
    void.reinstated_at = utcnow()
    session.flush()
    for repair in billed_by_the_void(session, unit.id):
        decide_billing(session, repair)
    session.flush()
    return void


def billed_by_the_void(session: Session, unit_id: int) -> list[RepairOrder]:
    """The unit's repairs in draft or received whose billing was decided while its
    warranty was void (and not set by hand since)."""
    return list(
        session.scalars(
            select(RepairOrder)
            .where(
                RepairOrder.unit_id == unit_id,
                RepairOrder.state.in_(REBILLED_STATES),
                RepairOrder.warranty_status == "voided",
                RepairOrder.billing_overridden.is_(False),
            )
            .order_by(RepairOrder.id)
        )
    )


def _partner_by_ref(session: Session, ref: str | None, field: str):
    from modules.partners.models import Partner

    ref = (ref or "").strip()
    if not ref:
        return None
    partner = session.scalar(select(Partner).where(Partner.ref == ref))
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


# -- rules ----------------------------------------------------------------------------------


class UnitRules(Archived):
    """A sold unit: serial number unique per model, a customer who is a customer and a
    dealer who is a dealer, no date in the future, the handover not before the sale.
    Never deleted: archived."""

    not_deleted_message = _l("Units are not deleted: archive them (untick Active).")

    def create(self, session, item, actor) -> None:
        check_unit(session, item)

    update = create


class WarrantyPolicyRules(Archived):
    """A policy applies to an equipment model or to a category; months 0 to 1200."""

    not_deleted_message = _l("Policies are not deleted: untick Active.")

    def create(self, session, item, actor) -> None:
        check_policy(item)

    update = create


class ExtendedWarrantyRules(Archived):
    """An extended warranty sold: its dates in order, not before the sale; cancelled,
    never deleted."""

    not_deleted_message = _l("Sold warranties are not deleted: cancel them.")

    def create(self, session, item, actor) -> None:
        check_extended(item)

    update = create


class WarrantyVoidRules(Archived):
    """Voids are made and lifted on the unit (by who holds `can_void`), never written
    or deleted as records."""

    not_deleted_message = _l("Voids are not deleted: reinstate the warranty.")

    def create(self, session, item, actor) -> None:
        raise DomainError(_l("Void a warranty from its unit."), status=409)

    update = create

    def void(self, session, unit: Unit, data: dict, actor) -> WarrantyVoid:
        """`data`: reason, date (default today), document."""
        return void_warranty(
            session, unit.id, data.get("reason") or "", data.get("date"), data.get("document")
        )

    def reinstate(self, session, unit: Unit, data: dict, actor) -> WarrantyVoid:
        """`data`: reason, date (default today)."""
        return reinstate_warranty(session, unit.id, data.get("reason") or "", data.get("date"))
