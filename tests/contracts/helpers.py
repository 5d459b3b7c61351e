"""Shared set-up for contract tests: a customer, a dealer, a model, an out-of-warranty
unit and contracts in the wanted stage."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from modules.contracts.models import ContractCoverage, ServiceContract
from modules.contracts.services import create_contract, transition
from modules.inventory.models import EquipmentModel
from modules.partners.models import Partner
from modules.warranty.models import Unit, WarrantyPolicy
from tests.conftest import ROLE_USERS

D = Decimal
TODAY = date.today()


def user_id(session, role: str) -> int:
    return session.scalar(select(User.id).where(User.username == ROLE_USERS[role]))


def make_world(session) -> dict:
    """ids: customer, dealer, model, model2, unit (sold 3 years ago: warranty over),
    unit2 (same model, same customer), other_unit (another customer), new_unit (in warranty)."""
    customer = Partner(name="Hotel Volna", is_customer=True)
    other = Partner(name="Ivan Sidorov", is_customer=True)
    dealer = Partner(name="Dealer South", is_dealer=True)
    model = EquipmentModel(code="AC-12", name="Air conditioner 12k", category="AC")
    model2 = EquipmentModel(code="RF-3", name="Fridge 3", category="Fridges")
    session.add_all([customer, other, dealer, model, model2])
    session.flush()
    session.add(WarrantyPolicy(name="AC 12m", equipment_model_id=model.id, manufacturer_months=12))
    old = TODAY - timedelta(days=3 * 365)

    def unit(serial, owner, sold=old, m=model):
        u = Unit(
            serial_number=serial,
            equipment_model_id=m.id,
            customer_id=owner.id,
            dealer_id=dealer.id,
            sale_date=sold,
        )
        session.add(u)
        session.flush()
        return u.id

    return {
        "customer": customer.id,
        "other": other.id,
        "dealer": dealer.id,
        "model": model.id,
        "model2": model2.id,
        "unit": unit("AC-0001", customer),
        "unit2": unit("AC-0002", customer),
        "other_unit": unit("AC-0003", other),
        "fridge": unit("RF-0001", customer, m=model2),
        "new_unit": unit("AC-0004", customer, sold=TODAY - timedelta(days=30)),
    }


def make_contract(
    session,
    partner_id: int,
    *,
    model_id: int | None = None,
    unit_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    stage: str = "active",
    kind: str = "maintenance",
    **fields,
) -> ServiceContract:
    start = start or TODAY - timedelta(days=30)
    end = end or start + timedelta(days=364)
    c = ServiceContract(
        title=fields.pop("title", "Maintenance gold"),
        kind=kind,
        partner_id=partner_id,
        start_date=start,
        end_date=end,
        price=fields.pop("price", D("1200.00")),
        business_from=fields.pop("business_from", time(9, 0)),
        business_to=fields.pop("business_to", time(18, 0)),
        **fields,
    )
    create_contract(session, c)
    if model_id or unit_id:
        session.add(ContractCoverage(contract=c, equipment_model_id=model_id, unit_id=unit_id))
        session.flush()
    steps = {
        "draft": [],
        "negotiation": ["negotiate"],
        "approved": ["negotiate", "approve"],
        "active": ["negotiate", "approve", "sign"],
    }[stage]
    for step in steps:
        transition(session, c, step, today=min(TODAY, end))
    return c
