"""Shared set-up for claims tests: a customer, a supplier, a model with its policy, units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from app.workcal import WorkCalendar
from modules.claims.models import DefectCode
from modules.inventory.models import EquipmentModel, Part
from modules.partners.models import Partner
from modules.warranty.models import Unit, WarrantyPolicy
from tests.conftest import ROLE_USERS

D = Decimal
# weekends only: edge-date tests do not depend on a country's holiday list
WEEKENDS = WorkCalendar(country=None)


def user_id(session, role: str) -> int:
    return session.scalar(select(User.id).where(User.username == ROLE_USERS[role]))


def make_world(
    session,
    *,
    sale: date = date(2025, 6, 2),
    handover: date | None = None,
    manufacturer: int = 24,
    durable: bool = True,
) -> dict:
    """ids: customer, supplier, model, unit (price 500), part, code (defect code)."""
    customer = Partner(name="Olga Petrova", is_customer=True)
    supplier = Partner(name="Pumps Ltd", is_supplier=True)
    model = EquipmentModel(code="WM-7", name="Washer 7", category="Washers", durable=durable)
    code = DefectCode(code="LEAK", name="Water leak", category="Hydraulics")
    session.add_all([customer, supplier, model, code])
    session.flush()
    part = Part(sku="PMP-1", name="Drain pump", cost=D("40"), sale_price=D("75"))
    policy = WarrantyPolicy(
        name="Washers", equipment_model_id=model.id, manufacturer_months=manufacturer
    )
    unit = Unit(
        serial_number="SN-0001",
        equipment_model_id=model.id,
        customer_id=customer.id,
        sale_date=sale,
        handover_date=handover,
        price=D("500"),
    )
    session.add_all([part, policy, unit])
    session.flush()
    return {
        "customer": customer.id,
        "supplier": supplier.id,
        "model": model.id,
        "unit": unit.id,
        "part": part.id,
        "code": code.id,
    }


def at_once(calls) -> list:
    """Run `calls` (functions of no argument) at the same moment, one thread each, and
    return their results in order; an exception in a thread fails the test."""
    import threading

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def worker(i):
        try:
            barrier.wait()
            results[i] = calls[i]()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results
