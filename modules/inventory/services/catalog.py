"""Catalog rules: parts, equipment models, fitment, supersession, warehouses, CSV
import. One rules object per resource, shared by its screen and its API."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amounts import money, quantity
from app.db import ZERO
from app.errors import Conflict, DomainError
from app.rules import Rules
from modules.inventory.models import EquipmentModel, Part, PartFitment, Warehouse
from modules.inventory.services.stock import on_hand_by_warehouse
from modules.partners.models import Partner


def check_part(part: Part) -> None:
    part.sku = (part.sku or "").strip().upper()
    if not part.sku:
        raise DomainError(_l("A part needs a SKU."), field="sku")
    part.name = (part.name or "").strip()
    if not part.name:
        raise DomainError(_l("A part needs a name."), field="name")
    part.cost = money(part.cost, "cost", label=_l("Cost"), required=False) or ZERO
    part.sale_price = (
        money(part.sale_price, "sale_price", label=_l("Sale price"), required=False) or ZERO
    )
    if part.lead_time_days is not None and part.lead_time_days < 0:
        raise DomainError(_l("Lead time cannot be negative."), field="lead_time_days")
    if part.min_order_qty is not None:
        part.min_order_qty = cast(  # required: never None
            Decimal,
            quantity(part.min_order_qty, "min_order_qty", label=_l("Minimum order quantity")),
        )
    _check_supersession(part)
    if part.supplier is not None and not part.supplier.is_supplier:
        raise DomainError(_l("The preferred supplier is not a supplier."), field="supplier")


def _check_supersession(part: Part) -> None:
    """The chain of successors never comes back to the part."""
    successor = part.superseded_by
    seen = {part.id} if part.id else set()
    while successor is not None:
        if successor is part or successor.id in seen:
            raise DomainError(_l("A part cannot supersede itself."), field="superseded_by")
        seen.add(successor.id)
        successor = successor.superseded_by


def check_equipment_model(model: EquipmentModel) -> None:
    model.code = (model.code or "").strip().upper()
    if not model.code:
        raise DomainError(_l("An equipment model needs a code."), field="code")
    model.name = (model.name or "").strip()
    if not model.name:
        raise DomainError(_l("An equipment model needs a name."), field="name")


def check_warehouse(wh: Warehouse) -> None:
    wh.code = (wh.code or "").strip().upper()
    if not wh.code:
        raise DomainError(_l("A warehouse needs a code."), field="code")


def check_fitment(session: Session, fit: PartFitment) -> None:
    """A part is listed once per equipment model."""
    part_id = fit.part.id if fit.part is not None else fit.part_id
    model_id = fit.equipment_model.id if fit.equipment_model is not None else fit.equipment_model_id
    if part_id is None:
        raise DomainError(_l("This field is required."), field="part")
    if model_id is None:
        raise DomainError(_l("This field is required."), field="equipment_model")
    with session.no_autoflush:
        twin = session.scalar(
            select(PartFitment.id).where(
                PartFitment.part_id == part_id,
                PartFitment.equipment_model_id == model_id,
                PartFitment.id != (fit.id or 0),
            )
        )
    if twin is not None:
        raise Conflict(_l("This part is already listed for this model."), field="part")


class EquipmentModelRules(Rules):
    """Code (in capitals) and name required."""

    def create(self, session, item, actor) -> None:
        check_equipment_model(item)

    update = create


class PartRules(Rules):
    """SKU (in capitals) and name required; prices zero or more; a minimum order
    quantity above zero; a successor chain without loops; a supplier that is one."""

    def create(self, session, item, actor) -> None:
        check_part(item)

    update = create


class FitmentRules(Rules):
    """A part fits a model once."""

    def create(self, session, item, actor) -> None:
        check_fitment(session, item)

    update = create


class WarehouseRules(Rules):
    """A code (in capitals) required."""

    def create(self, session, item, actor) -> None:
        check_warehouse(item)

    update = create


def final_successor(part: Part) -> Part | None:
    """The newest part replacing `part` (following the chain), or None."""
    seen = set()
    nxt = part.superseded_by
    last = None
    while nxt is not None and nxt.id not in seen:
        seen.add(nxt.id)
        last = nxt
        nxt = nxt.superseded_by
    return last


def fitting_parts(session: Session, equipment_model_id: int) -> list[dict]:
    """Every part fitting a model, with availability per warehouse and its successor."""
    parts = session.scalars(
        select(Part)
        .join(PartFitment, PartFitment.part_id == Part.id)
        .where(PartFitment.equipment_model_id == equipment_model_id)
        .order_by(Part.sku)
    ).all()
    successors = {p.id: final_successor(p) for p in parts}
    ids = {p.id for p in parts} | {s.id for s in successors.values() if s is not None}
    stock = on_hand_by_warehouse(session, sorted(ids))
    out = []
    for p in parts:
        succ = successors[p.id]
        out.append(
            {
                "id": p.id,
                "sku": p.sku,
                "name": p.name,
                "active": p.active,
                "superseded_by": None
                if succ is None
                else {"id": succ.id, "sku": succ.sku, "name": succ.name},
                "stock": stock[p.id],
                "successor_stock": [] if succ is None else stock[succ.id],
            }
        )
    return out


def _supplier_by_ref(session: Session, ref: str | None) -> Partner | None:
    if not ref:
        return None
    found = session.scalar(select(Partner).where(Partner.ref == ref))
    if found is None:
        raise DomainError(_l("No partner with this reference."), field="supplier_ref")
    return found


def upsert_part(session: Session, data: dict) -> str:
    """A catalog import row: created, or updated when the SKU exists."""
    data = dict(data)
    sku = data.pop("sku").strip().upper()
    supplier_ref = data.pop("supplier_ref", None)
    successor_sku = data.pop("superseded_by_sku", None)
    part = session.scalar(select(Part).where(Part.sku == sku))
    outcome = "updated" if part is not None else "created"
    if part is None:
        part = Part(
            sku=sku,
            active=True,
            cost=ZERO,
            sale_price=ZERO,
            avg_cost=ZERO,
            lead_time_days=0,
            min_order_qty=Decimal("1"),
            unit="pc",
        )
        session.add(part)
    for key, value in data.items():
        setattr(part, key, value)
    if supplier_ref:
        part.supplier = _supplier_by_ref(session, supplier_ref)
    if successor_sku:
        successor = session.scalar(select(Part).where(Part.sku == successor_sku.strip().upper()))
        if successor is None:
            raise DomainError(_l("No part with this SKU."), field="superseded_by_sku")
        part.superseded_by = successor
    check_part(part)
    return outcome


def upsert_fitment(session: Session, data: dict) -> str:
    sku = data["sku"].strip().upper()
    code = data["model_code"].strip().upper()
    part = session.scalar(select(Part).where(Part.sku == sku))
    if part is None:
        raise DomainError(_l("No part with this SKU."), field="sku")
    model = session.scalar(select(EquipmentModel).where(EquipmentModel.code == code))
    if model is None:
        raise DomainError(_l("No equipment model with this code."), field="model_code")
    fit = session.scalar(
        select(PartFitment).where(
            PartFitment.part_id == part.id, PartFitment.equipment_model_id == model.id
        )
    )
    if fit is not None:
        fit.note = data.get("note", fit.note)
        return "updated"
    session.add(PartFitment(part=part, equipment_model=model, note=data.get("note")))
    return "created"


def upsert_equipment_model(session: Session, data: dict) -> str:
    code = data["code"].strip().upper()
    model = session.scalar(select(EquipmentModel).where(EquipmentModel.code == code))
    outcome = "updated" if model is not None else "created"
    if model is None:
        model = EquipmentModel(code=code, durable=True, active=True)
        session.add(model)
    for key, value in data.items():
        if key != "code":
            setattr(model, key, value)
    check_equipment_model(model)
    return outcome
