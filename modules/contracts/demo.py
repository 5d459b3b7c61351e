"""Demo contracts: maintenance and extended-service contracts in every deal stage (one
stuck in negotiation, one ending soon, one renewed), generated visits, a dealer agreement
with reimbursement requests. Safe to run again."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.insights import users_with_role
from app.ops import progress
from app.security import SERVICE_MANAGER, TECHNICIAN
from modules.contracts.models import (
    ContractCoverage,
    DealerReimbursement,
    ScheduledVisit,
    ServiceContract,
)
from modules.contracts.services import (
    create_contract,
    create_reimbursement,
    life,
    record_work,
    reimbursements,
)
from modules.inventory.models import EquipmentModel
from modules.partners.models import Partner
from modules.warranty.models import Unit

MARK = "Demo data"
SIZES = {"small": 1, "medium": 4, "large": 15}
D = Decimal


def _units(session: Session, customer: Partner, dealer: Partner | None, count: int) -> list[Unit]:
    """Units to cover: those already sold (warranty's demo), else a few of our own."""
    units = list(session.scalars(select(Unit).order_by(Unit.id).limit(count)))
    if len(units) >= count:
        return units
    model = session.scalar(select(EquipmentModel).order_by(EquipmentModel.id))
    if model is None:
        model = EquipmentModel(code="CTR-DEMO", name="Demo air conditioner", category="Demo")
        session.add(model)
        session.flush()
    for n in range(len(units), count):
        unit = Unit(
            serial_number=f"CTR-DEMO-{n + 1:04d}",
            equipment_model_id=model.id,
            customer_id=customer.id,
            dealer_id=dealer.id if dealer else None,
            sale_date=date.today() - timedelta(days=900 + 30 * n),
        )
        session.add(unit)
        units.append(unit)
    session.flush()
    return units


def _partner(session: Session, dealer: bool, name: str) -> Partner:
    flag = Partner.is_dealer if dealer else Partner.is_customer
    found = session.scalar(select(Partner).where(flag.is_(True)).order_by(Partner.id))
    if found is not None:
        return found
    partner = Partner(name=name, is_dealer=dealer, is_customer=not dealer)
    session.add(partner)
    session.flush()
    return partner


def _contract(session, partner, units, *, stage, start, end, manager_id, **fields):
    c = ServiceContract(
        partner_id=partner.id,
        start_date=start,
        end_date=end,
        manager_id=manager_id,
        notes=MARK,
        business_from=time(9, 0),
        business_to=time(18, 0),
        **fields,
    )
    create_contract(session, c)
    for unit in units:
        if fields.get("kind") == "dealer":
            break
        session.add(ContractCoverage(contract=c, equipment_model_id=unit.equipment_model_id))
    session.flush()
    path = {
        "draft": [],
        "negotiation": ["negotiate"],
        "approved": ["negotiate", "approve"],
        "active": ["negotiate", "approve", "sign"],
    }[stage]
    for step in path:
        life.transition(session, c, step, today=min(date.today(), end))
    return c


def load(session: Session, size: str) -> None:
    """The first run loads everything; a later run with a bigger size adds maintenance
    contracts (with their visits) up to that size."""
    first = not session.scalar(
        select(ServiceContract.id).where(ServiceContract.notes == MARK).limit(1)
    )
    today = date.today()
    managers = users_with_role(session, SERVICE_MANAGER)
    techs = users_with_role(session, TECHNICIAN)
    manager_id = managers[0] if managers else None
    customer = _partner(session, False, "Hotel Volna")
    dealer = _partner(session, True, "Dealer South")
    units = _units(session, customer, dealer, 3)
    have = session.scalar(
        select(func.count())
        .select_from(ServiceContract)
        .where(ServiceContract.notes == MARK, ServiceContract.title.like("Maintenance Gold %"))
    )
    _gold(session, have or 0, SIZES.get(size, 1), units, manager_id, techs)
    if not first:
        return
    _contract(
        session,
        customer,
        units[:1],
        stage="active",
        start=today - timedelta(days=340),
        end=today + timedelta(days=24),
        manager_id=manager_id,
        title="Extended service 24/7",
        kind="extended",
        price=D("900.00"),
        billing_period="quarterly",
        sla_calendar="24x7",
        response_hours=8,
        resolution_hours=72,
        auto_renew=True,
    )
    stuck = _contract(
        session,
        customer,
        units[1:2],
        stage="negotiation",
        start=today + timedelta(days=30),
        end=today + timedelta(days=394),
        manager_id=manager_id,
        title="Kitchen equipment maintenance",
        price=D("3600.00"),
        visits_per_year=6,
    )
    stuck.state_since = datetime.now(UTC) - timedelta(days=30)
    _contract(
        session,
        customer,
        units[2:3],
        stage="draft",
        start=today + timedelta(days=60),
        end=today + timedelta(days=424),
        manager_id=manager_id,
        title="Laundry maintenance (draft)",
        price=D("1800.00"),
    )
    old = _contract(
        session,
        customer,
        units[:1],
        stage="active",
        start=today - timedelta(days=400),
        end=today - timedelta(days=36),
        manager_id=manager_id,
        title="Maintenance Silver",
        price=D("1200.00"),
        billing_period="yearly",
        response_hours=8,
    )
    life.transition(session, old, "renew", "Renewed on the same terms", today=old.end_date)
    successor = session.get(ServiceContract, life.successor_id(session, old))
    life.transition(session, successor, "sign", "Signed by the customer")
    agreement = _contract(
        session,
        dealer,
        [],
        stage="active",
        start=today - timedelta(days=200),
        end=today + timedelta(days=165),
        manager_id=manager_id,
        title="Dealer service agreement",
        kind="dealer",
        price=D("0.00"),
        billing_period="once",
        labour_rate=D("25.00"),
        parts_discount_pct=D("10"),
        reporting_duties="Monthly report of warranty repairs with photos and serial numbers",
    )
    for k, (hours, parts, advance) in enumerate(
        ((D("2.0"), D("140.00"), ("submit",)), (D("1.5"), D("0.00"), ()))
    ):
        item = create_reimbursement(
            session,
            DealerReimbursement(
                contract_id=agreement.id,
                dealer_ref=f"DS-WO-{1001 + k}",
                work_date=today - timedelta(days=10 - k),
                description="Warranty repair at the customer's site",
                labour_hours=hours,
                parts_amount=parts,
            ),
        )
        for step in advance:
            reimbursements.transition(session, item, step)
    session.flush()


def _gold(
    session: Session,
    start: int,
    stop: int,
    units: list[Unit],
    manager_id: int | None,
    techs: list[int],
) -> None:
    """Active maintenance contracts "Maintenance Gold <start + 1>".."<stop>", their
    visits planned for a technician, the first visit done when due."""
    today = date.today()
    with progress(stop - start, "contracts") as bar:
        for n in range(start, stop):
            bar.update(1)
            owner = session.get(Partner, units[n % len(units)].customer_id)
            gold = _contract(
                session,
                owner,
                [units[n % len(units)]],
                stage="active",
                start=today - timedelta(days=120 + n),
                end=today - timedelta(days=120 + n) + timedelta(days=364),
                manager_id=manager_id,
                title=f"Maintenance Gold {n + 1}",
                kind="maintenance",
                price=D("2400.00"),
                billing_period="monthly",
                visits_per_year=4,
                response_hours=4,
                resolution_hours=24,
                covers_travel=True,
            )
            visits = session.scalars(
                select(ScheduledVisit)
                .where(ScheduledVisit.contract_id == gold.id)
                .order_by(ScheduledVisit.seq)
            ).all()
            for visit in visits:
                visit.technician_id = techs[0] if techs else None
            if visits and visits[0].planned_on <= today:
                record_work(
                    session, visits[0], "Filters cleaned, refrigerant pressure checked", "1.5"
                )
