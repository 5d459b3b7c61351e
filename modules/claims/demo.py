"""Demo claims: defect codes, consumer claims in every state with defects, an expert
examination, supplier claims, satisfaction answers and a detection run (idempotent)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.ops import progress
from modules.claims.models import Claim, ClaimDefect, DefectCode, ExpertExamination, SupplierClaim
from modules.claims.services import claims as claim_services
from modules.claims.services import defects, satisfaction, suppliers, systemic
from modules.partners.models import Partner
from modules.warranty.models import Unit

SIZES = {"small": 12, "medium": 200, "large": 2_000}
CODES = [
    ("LEAK", "Water leak", "Hydraulics"),
    ("NOISE", "Abnormal noise", "Mechanics"),
    ("NOSTART", "Does not start", "Electrics"),
    ("PCB", "Control board failure", "Electrics"),
    ("CRACK", "Cracked housing", "Body"),
    ("DISPLAY", "Display defect", "Electrics"),
]
DESCRIPTIONS = [
    "Water on the floor after each cycle",
    "Loud knocking during spin",
    "Does not switch on",
    "Error code on the display",
    "Crack in the housing after a week",
]
CAUSES = ["manufacturing", "design", "supplier_part", "wear", "misuse", "unknown"]


def _user_id(session: Session, username: str) -> int | None:
    from flask_appbuilder.security.sqla.models import User

    return session.scalar(select(User.id).where(User.username == username))


def load(session: Session, size: str) -> None:
    """The first run loads everything; a later run with a bigger size adds consumer
    claims (with their defects, answers and satisfaction) up to that size and runs the
    detection again."""
    if session.scalar(select(DefectCode.id).where(DefectCode.code == "LEAK")) is not None:
        _grow(session, size)
        return
    codes = []
    for code, name, category in CODES:
        codes.append(DefectCode(code=code, name=name, category=category, active=True))
    session.add_all(codes)
    session.flush()
    units = session.scalars(select(Unit).order_by(Unit.id).limit(SIZES[size] * 3)).all()
    if not units:
        return
    rnd = random.Random(2026)
    today = date.today()
    supplier = _supplier(session)
    closed = _add_claims(session, 0, SIZES[size], list(units), codes, supplier, rnd)
    _satisfaction(session, closed, rnd)
    if supplier is not None:
        supplier_defects = session.scalars(
            select(ClaimDefect).where(ClaimDefect.supplier_id == supplier.id).limit(5)
        ).all()
        sc = SupplierClaim(
            supplier=supplier,
            breach="defective_parts",
            description="Drain pumps failing within the warranty period",
            amount=Decimal("1200.00"),
            opened_on=today - timedelta(days=20),
            defects=list(supplier_defects),
        )
        suppliers.create_supplier_claim(session, sc)
        suppliers.supplier_claim_transition(session, sc, "send", today=today - timedelta(days=19))
        late = SupplierClaim(
            supplier=supplier,
            breach="late_delivery",
            description="Spare parts order delivered three weeks late",
            amount=Decimal("300.00"),
            opened_on=today - timedelta(days=60),
        )
        suppliers.create_supplier_claim(session, late)
        suppliers.supplier_claim_transition(session, late, "send", today=today - timedelta(days=59))
        suppliers.supplier_claim_transition(
            session, late, "accept", today=today - timedelta(days=40)
        )
        late.recovered_amount = Decimal("300.00")
        suppliers.supplier_claim_transition(
            session, late, "settle", today=today - timedelta(days=30)
        )
    systemic.get_settings(session)
    systemic.detect(session, today)
    session.flush()


def _supplier(session: Session) -> Partner | None:
    return session.scalar(
        select(Partner).where(Partner.is_supplier.is_(True)).order_by(Partner.id).limit(1)
    )


def _grow(session: Session, size: str) -> None:
    demo = Claim.description.in_(DESCRIPTIONS)
    have = session.scalar(select(func.count()).select_from(Claim).where(demo)) or 0
    if have >= SIZES[size]:
        return
    units = session.scalars(select(Unit).order_by(Unit.id).limit(SIZES[size] * 3)).all()
    codes = session.scalars(
        select(DefectCode).where(DefectCode.code.in_([c[0] for c in CODES])).order_by(DefectCode.id)
    ).all()
    if not units or not codes:
        return
    rnd = random.Random(2026 + have)
    closed = _add_claims(
        session, have, SIZES[size], list(units), list(codes), _supplier(session), rnd
    )
    _satisfaction(session, closed, rnd)
    systemic.detect(session, date.today())
    session.flush()


def _satisfaction(session: Session, closed: list[Claim], rnd: random.Random) -> None:
    for n, claim in enumerate(closed):
        req = satisfaction.request_for_claim(session, claim)
        if n % 4 != 3:
            satisfaction.answer(session, req.token, rnd.choice([3, 4, 4, 5, 5]), None)


def _add_claims(
    session: Session,
    start: int,
    stop: int,
    units: list[Unit],
    codes: list[DefectCode],
    supplier: Partner | None,
    rnd: random.Random,
) -> list[Claim]:
    """Consumer claims number `start`..`stop - 1`, in every state (i % 6); the closed
    ones are returned (for satisfaction requests)."""
    closed = []
    today = date.today()
    officer = _user_id(session, "claims")
    with progress(stop - start, "claims") as bar:
        for i in range(start, stop):
            bar.update(1)
            _claim(session, i, units, codes, officer, supplier, rnd, today, closed)
    return closed


def _claim(session, i, units, codes, officer, supplier, rnd, today, closed) -> None:
    unit = units[i % len(units)]
    received = max(unit.sale_date, today - timedelta(days=rnd.randint(0, 120)))
    claim = claim_services.register_claim(
        session,
        rnd.choice(DESCRIPTIONS),
        unit_id=unit.id,
        demand=rnd.choice(["repair", "repair", "replacement", "refund", "price_reduction"]),
        channel=rnd.choice(["in_person", "phone", "email", "letter", "dealer"]),
        received_on=received,
        officer_id=officer,
    )
    code = codes[0] if i % 3 == 0 else rnd.choice(codes)
    cause = rnd.choice(CAUSES)
    session.add(
        defects.check_defect(
            session,
            ClaimDefect(
                claim=claim,
                defect_code=code,
                root_cause=cause,
                supplier_id=supplier.id if cause == "supplier_part" and supplier else None,
                found_on=received,
            ),
        )
    )
    stage = i % 6
    if stage == 0:
        return  # new
    claim_services.transition(session, claim, "start_review", today=received)
    if stage == 1:
        return
    if stage == 2:
        exam = ExpertExamination(
            claim=claim,
            organisation="Independent Expert Bureau",
            questions="What caused the defect? Was the product used as instructed?",
            sent_on=received,
        )
        defects.send_examination(session, exam)
        return
    if stage == 3:
        claim_services.transition(
            session, claim, "reject", "The defect was caused by improper use.", today=received
        )
        return
    claim_services.transition(
        session, claim, "accept", "Your claim is founded; we settle it.", today=received
    )
    if stage == 5 and claim.demand in ("refund", "price_reduction"):
        amount = (claim.price or Decimal("100")) * (
            Decimal("1") if claim.demand == "refund" else Decimal("0.2")
        )
        claim_services.settle(session, claim, claim.demand, amount=amount.quantize(Decimal("0.01")))
        claim.paid_on = claim.fulfilled_on = min(today, received + timedelta(days=7))
        claim_services.transition(session, claim, "resolve", today=claim.paid_on)
        claim_services.transition(session, claim, "close")
        closed.append(claim)
    elif stage == 5 and claim.demand == "replacement":
        claim_services.settle(
            session, claim, "replacement", replacement_serial=f"RPL-{claim.id:05d}"
        )
        claim_services.transition(session, claim, "resolve")
        claim_services.transition(session, claim, "close")
        closed.append(claim)
