"""Demo warranty data: policies per category, checklists, substitute units, sold units,
repairs in every stage (one past its legal deadline, paid and warranty ones returned with
parts and labour), a shipment, an extended warranty and a voided warranty. Safe to run again."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from flask_appbuilder.security.sqla.models import Role, User
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.ops import progress
from modules.inventory.models import EquipmentModel, PartFitment, StockBalance, Warehouse
from modules.partners.models import Partner
from modules.warranty.models import (
    Checklist,
    ChecklistItem,
    ExtendedWarranty,
    Loaner,
    RepairOrder,
    Shipment,
    Unit,
    WarrantyPolicy,
)
from modules.warranty.services import (
    add_labour_line,
    add_part_line,
    lend_loaner,
    open_repair,
    record_inspection,
    transition,
    void_warranty,
)
from modules.warranty.services.logistics import create_shipment

SIZES = {"small": 40, "medium": 400, "large": 4_000}
DEFECTS = [
    "Does not drain",
    "Loud noise during spin",
    "No power",
    "Leaks water",
    "Error E21 on display",
    "Does not cool",
]


def _user_with_role(session: Session, role: str) -> int | None:
    return session.scalar(
        select(User.id).join(User.roles).where(Role.name == role).order_by(User.id).limit(1)
    )


def _stocked_part(session: Session, model_id: int, warehouse_id: int) -> int | None:
    return session.scalar(
        select(PartFitment.part_id)
        .join(StockBalance, StockBalance.part_id == PartFitment.part_id)
        .where(
            PartFitment.equipment_model_id == model_id,
            StockBalance.warehouse_id == warehouse_id,
            StockBalance.on_hand - StockBalance.reserved >= 1,
        )
        .order_by(PartFitment.part_id)
        .limit(1)
    )


def load(session: Session, size: str) -> None:
    """The first run loads everything; a later run with a bigger size adds sold units
    and repairs (a quarter as many) up to that size."""
    if session.scalar(select(Loaner.id).where(Loaner.code == "L-01")) is not None:
        _grow(session, size)
        return
    models = session.scalars(select(EquipmentModel).order_by(EquipmentModel.id)).all()
    customers, dealers = _partners(session)
    if not models or not customers:
        return
    rnd = random.Random(2027)
    today = date.today()

    for cat in sorted({m.category for m in models if m.category}):
        session.add(
            WarrantyPolicy(
                name=f"{cat}: 24 months",
                category=cat,
                statutory_months=0,
                manufacturer_months=24,
                starts_at="handover",
                covers_parts=True,
                covers_labour=True,
                covers_transport=cat != "Air conditioning",
                active=True,
            )
        )
    final = Checklist(name="Final inspection", kind="final", active=True)
    final.items = [
        ChecklistItem(sequence=10, text="Runs a full cycle without errors", required=True),
        ChecklistItem(sequence=20, text="No leaks", required=True),
        ChecklistItem(sequence=30, text="Housing cleaned", required=False),
    ]
    intake = Checklist(name="Intake check", kind="intake", active=True)
    intake.items = [
        ChecklistItem(sequence=10, text="Photos of the unit taken", required=True),
        ChecklistItem(sequence=20, text="Accessories listed", required=True),
    ]
    session.add_all([final, intake])
    for i, model in enumerate(models[:3], start=1):
        session.add(
            Loaner(
                code=f"L-{i:02d}",
                name=f"Substitute {model.name}",
                equipment_model=model,
                serial_number=f"LN-{i:04d}",
                condition="good",
                state="available",
                active=True,
            )
        )
    session.flush()

    units = _add_units(session, 0, SIZES.get(size, 40), models, customers, dealers, rnd)
    session.add(
        ExtendedWarranty(
            unit=units[0],
            reference="EXT-0001",
            sold_on=units[0].sale_date,
            start_date=units[0].handover_date + timedelta(days=731),
            end_date=units[0].handover_date + timedelta(days=365 * 4),
            price=Decimal("99.00"),
        )
    )
    if len(units) > 5:
        void_warranty(
            session,
            units[5].id,
            "Repaired by an unauthorised workshop",
            today - timedelta(days=3),
            "Inspection report 17",
        )
    _add_repairs(session, units, 0, max(6, len(units) // 4), final)
    session.flush()
    assert session.scalar(select(RepairOrder.id).limit(1)) is not None


def _partners(session: Session) -> tuple[list[Partner], list[Partner]]:
    customers = session.scalars(
        select(Partner).where(Partner.is_customer.is_(True)).order_by(Partner.id).limit(200)
    ).all()
    dealers = session.scalars(
        select(Partner).where(Partner.is_dealer.is_(True)).order_by(Partner.id).limit(5)
    ).all()
    return list(customers), list(dealers)


def _grow(session: Session, size: str) -> None:
    demo_unit = Unit.sales_ref.like("SO-%")
    have = session.scalar(select(func.count()).where(demo_unit)) or 0
    total = SIZES.get(size, 40)
    models = session.scalars(select(EquipmentModel).order_by(EquipmentModel.id)).all()
    customers, dealers = _partners(session)
    if models and customers and have < total:
        _add_units(session, have, total, models, customers, dealers, random.Random(2027 + have))
    units = session.scalars(select(Unit).where(demo_unit).order_by(Unit.id)).all()
    repairs = session.scalar(
        select(func.count()).select_from(RepairOrder).join(Unit).where(demo_unit)
    )
    final = session.scalar(select(Checklist).where(Checklist.name == "Final inspection"))
    if units and final is not None:
        _add_repairs(session, list(units), repairs or 0, max(6, len(units) // 4), final)
    session.flush()


def _add_units(
    session: Session,
    start: int,
    stop: int,
    models: Sequence[EquipmentModel],
    customers: Sequence[Partner],
    dealers: Sequence[Partner],
    rnd: random.Random,
) -> list[Unit]:
    today = date.today()
    units = []
    with progress(stop - start, "units") as bar:
        for i in range(start, stop):
            model = models[i % len(models)]
            sale = today - timedelta(days=rnd.randint(20, 1100))
            unit = Unit(
                serial_number=f"{model.code}-{10000 + i}",
                equipment_model=model,
                customer=customers[i % len(customers)],
                dealer=dealers[i % len(dealers)] if dealers else None,
                sale_date=sale,
                handover_date=sale + timedelta(days=rnd.randint(0, 10)),
                price=Decimal(rnd.randint(300, 1500)),
                sales_ref=f"SO-{50000 + i}",
                active=True,
            )
            session.add(unit)
            units.append(unit)
            bar.update(1)
    session.flush()
    return units


def _add_repairs(
    session: Session, units: list[Unit], start: int, stop: int, final: Checklist
) -> None:
    """Repairs number `start`..`stop - 1`, in every stage (k % 6): a draft, one received
    long ago, quoted, in repair (one with a loaner), returned (one shipped)."""
    today = date.today()
    main = session.scalar(select(Warehouse).where(Warehouse.code == "MAIN"))
    tech = _user_with_role(session, "Technician")
    manager = _user_with_role(session, "Service Manager")
    inspector = manager if manager != tech else None
    recent = [u for u in units if (today - u.sale_date).days < 600] or units
    with progress(stop - start, "repairs") as bar:
        for k in range(start, stop):
            bar.update(1)
            _repair(session, k, recent[k % len(recent)], main, tech, inspector, final)


def _repair(session, k, unit, main, tech, inspector, final) -> None:
    today = date.today()
    stage = k % 6
    intake_day = today - timedelta(days=[30, 2, 60, 10, 5, 1][stage] + k // 6)
    r = open_repair(
        session,
        unit.id,
        DEFECTS[k % len(DEFECTS)],
        intake_date=max(intake_day, unit.sale_date),
        condition="Scratches on the side panel" if k % 2 else "Good",
        accessories="Drain hose" if k % 3 == 0 else None,
        technician_id=tech,
        warehouse_id=main.id if main else None,
    )
    if stage == 1:
        return  # a draft just opened
    transition(session, r, "receive")
    if stage == 2:
        return  # received long ago: past the legal deadline
    transition(session, r, "diagnose")
    if r.billing_type == "paid":
        add_labour_line(session, r, "Diagnosis", "0.5", "40")
    part_id = _stocked_part(session, unit.equipment_model_id, main.id) if main else None
    if part_id is not None:
        add_part_line(session, r, part_id, "1")
    add_labour_line(session, r, "Replace and test", "1.5", "40")
    if r.billing_type == "paid":  # the customer approves what the repair will cost
        transition(session, r, "send_quote")
        if stage == 3:
            return
        transition(session, r, "approve")
    transition(session, r, "start_repair")
    if stage == 4:
        if k == 4:
            loaner = session.scalar(select(Loaner).where(Loaner.state == "available"))
            if loaner is not None:
                lend_loaner(
                    session,
                    r,
                    loaner.id,
                    requested_on=r.intake_date,
                    lent_on=r.intake_date,
                    condition_out="good",
                )
        return
    if inspector is None:
        return
    record_inspection(
        session,
        r,
        "final",
        results={it.id: True for it in final.items},
        inspector_id=inspector,
    )
    transition(session, r, "mark_ready")
    transition(session, r, "return_unit")
    r.returned_on = min(today, r.intake_date + timedelta(days=12 + k % 5))
    if k == 0:
        create_shipment(
            session,
            Shipment(
                direction="to_customer",
                repair=r,
                unit=r.unit,
                carrier="City Courier",
                tracking_number="CC-778812",
                shipped_on=r.returned_on,
                cost=Decimal("15.00"),
                paid_by="company",
            ),
        )
