"""The dashboard's market records hold the same rules at the screen and at the API
(tests/both_doors.py): competitors, after-sales terms, promotions and events."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from modules.dashboard.models import Campaign, Competitor, MarketTerms
from tests.both_doors import Case, Door, check_both_doors


def _rival(s) -> int:
    c = Competitor(name="RivalFix", brands="LG", active=True)
    s.add(c)
    s.flush()
    return c.id


def _fair(s) -> int:
    c = Campaign(
        name="Fair",
        kind="trade_fair",
        date_from=date(2026, 3, 1),
        date_to=date(2026, 3, 3),
        cost=Decimal("100.00"),
        cancelled=False,
    )
    s.add(c)
    s.flush()
    return c.id


def test_competitor_rules_hold_at_both_doors(app, run, clean):
    new = {"name": " RivalFix ", "brands": " LG ", "website": "", "active": True}
    check_both_doors(
        app,
        run,
        clean,
        Door("/competitorview", "/api/v1/competitor/", Competitor),
        [
            Case("a competitor", new, True),  # name and brands trimmed
            Case("no name", {**new, "name": "   "}, False),
            Case("renamed blank", {"name": " "}, False, edit=True, prepare=_rival),
            Case("no longer active", {"active": False}, True, edit=True, prepare=_rival),
        ],
        role="Service Manager",
    )


def test_market_terms_rules_hold_at_both_doors(app, run, clean):
    ours = {
        "segment": " Washers ",
        "warranty_months": 24,
        "repair_days": 7,
        "loaner": "free",
        "contract_price": "4900",
        "valid_from": "2026-01-01",
    }
    cases = [
        Case("our terms", ours, True),
        Case("no segment", {**ours, "segment": " "}, False),
        Case("unknown loaner policy", {**ours, "loaner": "sometimes"}, False),
        Case("a negative warranty", {**ours, "warranty_months": -1}, False),
        Case("a repair of 400 days", {**ours, "repair_days": 400}, False),
        Case("a negative price", {**ours, "contract_price": "-5"}, False),
    ]
    check_both_doors(
        app, run, clean, Door("/markettermsview", "/api/v1/market_terms/", MarketTerms), cases,
        role="Service Manager",
    )  # fmt: skip
    run(_rival)  # a competitor's terms: the competitor outlives the harness' cleaning
    check_both_doors(
        app,
        run,
        lambda: (clean(), run(_rival)),
        Door("/markettermsview", "/api/v1/market_terms/", MarketTerms),
        [Case("a competitor's terms", {**ours, "competitor": 1, "loaner": "paid"}, True)],
        role="Service Manager",
    )


def test_campaign_rules_hold_at_both_doors(app, run, clean):
    new = {
        "name": " Spring fair ",
        "kind": "trade_fair",
        "date_from": "2026-03-01",
        "date_to": "2026-03-03",
        "cost": "1500.50",
        "region": "North",
        "cancelled": False,
    }
    check_both_doors(
        app,
        run,
        clean,
        Door("/campaignview", "/api/v1/campaign/", Campaign),
        [
            Case("a trade fair", new, True),
            Case("unknown kind", {**new, "kind": "party"}, False),
            Case("no name", {**new, "name": "  "}, False),
            Case("ends before it starts", {**new, "date_to": "2026-02-28"}, False),
            Case("a negative cost", {**new, "cost": "-1"}, False),
            Case("cancelled", {"cancelled": True}, True, edit=True, prepare=_fair),
            Case("deleted", {}, False, delete=True, prepare=_fair),
        ],
        role="Service Manager",
    )


def test_money_with_too_many_decimals_is_refused_at_both_doors(app, run, clean):
    check_both_doors(
        app,
        run,
        clean,
        Door("/campaignview", "/api/v1/campaign/", Campaign),
        [
            Case(
                "a cost in millicents",
                {"name": "Fair", "kind": "event", "date_from": "2026-03-01",
                 "date_to": "2026-03-01", "cost": "1.005"},
                False,
            )
        ],
        role="Service Manager",
    )  # fmt: skip
