"""Demo partners: a handful to click through, or many for volume tests."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.ops import progress
from modules.partners.models import Contact, Interaction, Partner

SIZES = {"small": 40, "medium": 2_000, "large": 100_000}
CITIES = [
    ("Moscow", "Moscow", "RU"),
    ("Saint Petersburg", "Saint Petersburg", "RU"),
    ("Kazan", "Tatarstan", "RU"),
    ("Novosibirsk", "Novosibirsk Oblast", "RU"),
    ("São Paulo", "SP", "BR"),
    ("Rio de Janeiro", "RJ", "BR"),
    ("Belo Horizonte", "MG", "BR"),
    ("Curitiba", "PR", "BR"),
]
FIRST = ["Ivan", "Olga", "Sergey", "Anna", "João", "Maria", "Pedro", "Ana", "Dmitry", "Lucas"]
LAST = ["Petrov", "Ivanova", "Smirnov", "Silva", "Santos", "Oliveira", "Kuznetsov", "Costa"]
COMPANY = ["Tekhno", "Servis", "Máquinas", "Ferramentas", "Agro", "Industrial", "Stroy", "Energia"]
SUFFIX = ["LLC", "Ltda", "JSC", "S.A.", "Group", "Trading"]


def _row(i: int, rnd: random.Random) -> dict:
    city, region, country = CITIES[i % len(CITIES)]
    kind = i % 10
    is_supplier = kind in (0,)
    is_dealer = kind in (1, 2)
    is_customer = not is_supplier and not is_dealer or kind == 2
    if is_customer and not (is_dealer or is_supplier) and i % 3:
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
    else:
        name = f"{rnd.choice(COMPANY)} {rnd.choice(COMPANY)} {rnd.choice(SUFFIX)}"
    return {
        "ref": f"DEMO-{i:06d}",
        "name": name,
        "is_customer": is_customer,
        "is_dealer": is_dealer,
        "is_supplier": is_supplier,
        "tax_id": f"{country}{7700000000 + i}",
        "email": f"partner{i}@example.com",
        "phone": f"+{7 if country == 'RU' else 55} 900 {i:07d}",
        "street": f"{rnd.randint(1, 200)} Main street",
        "city": city,
        "region": region,
        "postal_code": f"{100000 + i % 90000}",
        "country": country,
        "active": True,
    }


def load(session: Session, size: str) -> None:
    total = SIZES[size]
    have = session.scalar(select(func.count()).where(Partner.ref.like("DEMO-%")))
    if have >= total:
        return
    rnd = random.Random(2026)
    rows = [_row(i, rnd) for i in range(total)][have:]
    with progress(len(rows), "partners") as bar:
        for start in range(0, len(rows), 5000):
            chunk = rows[start : start + 5000]
            if size == "small":
                session.add_all(Partner(**r) for r in chunk)  # audited, like real entries
            else:
                session.execute(insert(Partner), chunk)
            bar.update(len(chunk))
    session.flush()
    _contacts_and_interactions(session, rnd)


def _contacts_and_interactions(session: Session, rnd: random.Random) -> None:
    companies = session.scalars(
        select(Partner).where(Partner.ref.like("DEMO-%"), Partner.is_customer.is_(False)).limit(30)
    ).all()
    today = date.today()
    kinds = ["consultation", "demonstration", "presentation", "negotiation", "meeting", "call"]
    for n, p in enumerate(companies):
        if p.contacts:
            continue
        c = Contact(
            partner=p,
            name=f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
            position=rnd.choice(["Service manager", "Buyer", "Director", "Engineer"]),
            email=f"contact{n}@example.com",
            phone=f"+7 901 {n:07d}",
        )
        session.add(c)
        on = today - timedelta(days=rnd.randint(1, 90))
        session.add(
            Interaction(
                partner=p,
                contact=c,
                kind=kinds[n % len(kinds)],
                on=on,
                subject=rnd.choice(
                    ["Service contract renewal", "New equipment line", "Spare parts prices"]
                ),
                outcome="Interested; asked for an offer.",
                next_step="Send the offer",
                next_step_on=on + timedelta(days=7),
            )
        )
