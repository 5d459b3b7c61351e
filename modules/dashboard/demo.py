"""Demo market records: competitors with their after-sales terms beside ours, and a few
promotions, events and trade fairs around today (idempotent)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from modules.dashboard.models import Campaign, Competitor, MarketTerms

COMPETITORS = (
    ("ServiceOne", "Bosch, Siemens", "https://serviceone.example"),
    ("QuickFix Group", "LG, Samsung", "https://quickfix.example"),
    ("HomeTech Care", "Electrolux, AEG", None),
)
# (competitor or None for us, segment, warranty months, repair days, loaner, contract, extended)
TERMS = (
    (None, "Washing machines", 24, 7, "free", "4900.00", "2500.00"),
    ("ServiceOne", "Washing machines", 12, 14, "paid", "5200.00", "2900.00"),
    ("QuickFix Group", "Washing machines", 24, 10, "none", "4500.00", None),
    ("HomeTech Care", "Washing machines", 18, 21, "none", None, "1900.00"),
    (None, "Refrigerators", 36, 5, "free", "5900.00", "3100.00"),
    ("ServiceOne", "Refrigerators", 24, 10, "paid", "6400.00", "3500.00"),
    ("QuickFix Group", "Refrigerators", 24, 7, "paid", "5600.00", None),
    (None, "Dishwashers", 24, 7, "paid", "3900.00", "2100.00"),
    ("HomeTech Care", "Dishwashers", 12, 14, "none", "3500.00", None),
)


def load(session, size: str = "small") -> None:
    if session.scalar(select(Competitor.id).limit(1)) is not None:
        return
    by_name = {}
    for name, brands, site in COMPETITORS:
        c = Competitor(name=name, brands=brands, website=site, active=True)
        session.add(c)
        by_name[name] = c
    session.flush()
    today = date.today()
    for who, segment, months, days, loaner, contract, extended in TERMS:
        session.add(
            MarketTerms(
                competitor=by_name.get(who) if who else None,
                segment=segment,
                warranty_months=months,
                repair_days=days,
                loaner=loaner,
                contract_price=Decimal(contract) if contract else None,
                extended_warranty_price=Decimal(extended) if extended else None,
                valid_from=today.replace(month=1, day=1),
                source="Price lists and mystery shopping" if who else "Our price list",
            )
        )
    month = today.replace(day=1)
    for name, kind, start, days, cost, region in (
        ("Spring service check -20%", "promotion", month - timedelta(days=60), 30, "45000", None),
        ("Home appliance fair", "trade_fair", month - timedelta(days=20), 4, "180000", "Moscow"),
        ("Dealer training day", "event", month + timedelta(days=5), 1, "25000", None),
        ("Radio spots: extended warranty", "advertising", month, 28, "60000", None),
    ):
        session.add(
            Campaign(
                name=name,
                kind=kind,
                date_from=start,
                date_to=start + timedelta(days=days - 1),
                cost=Decimal(cost),
                region=region,
                cancelled=False,
            )
        )
    session.flush()
