"""Market records: competitors and after-sales terms side by side with ours; promotions,
events and trade fairs with their cost and the effect measured against the period before."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from modules.dashboard.models import Campaign, Competitor, MarketTerms
from tests.dashboard import data


def test_manager_records_competitors_and_terms(api, ui):
    mgr = api("Service Manager")
    r = mgr.post("/api/v1/competitor/", json={"name": " RivalFix ", "brands": "LG"})
    assert r.status_code == 201, r.data
    rival = r.json["id"]
    ours = {
        "segment": "Washers",
        "warranty_months": 24,
        "repair_days": 7,
        "loaner": "free",
        "contract_price": 4900,
    }
    assert mgr.post("/api/v1/market_terms/", json=ours).status_code == 201
    theirs = {
        "competitor": rival,
        "segment": "Washers",
        "warranty_months": 12,
        "repair_days": 14,
        "loaner": "paid",
        "contract_price": 5200,
    }
    assert mgr.post("/api/v1/market_terms/", json=theirs).status_code == 201
    page = ui("Viewer").get("/market/compare").get_data(as_text=True)
    assert "Washers" in page
    head = page[page.index("dsh-compare") :]
    assert head.index("Us") < head.index("RivalFix")  # ours first
    assert "4,900.00" in page and "5,200.00" in page and "Free loaner" in page


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"segment": "", "loaner": "none"}, "segment"),
        ({"segment": "X", "loaner": "sometimes"}, "loaner"),
        ({"segment": "X", "warranty_months": -1}, "warranty_months"),
        ({"segment": "X", "repair_days": 400}, "repair_days"),
        ({"segment": "X", "contract_price": -5}, "contract_price"),
        ({"segment": "X", "competitor": 999999}, "competitor"),
    ],
)
def test_bad_terms_are_refused(api, run, body, field):
    r = api("Service Manager").post("/api/v1/market_terms/", json=body)
    assert r.status_code == 422, r.data
    assert field in str(r.json["message"])
    assert run(lambda s: s.scalar(select(func.count(MarketTerms.id)))) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"name": "X", "kind": "party", "date_from": "2026-01-01", "date_to": "2026-01-01"},
            "kind",
        ),
        ({"name": "X", "date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to"),
        ({"name": "X", "date_from": "2026-01-01", "date_to": "2026-01-01", "cost": -1}, "cost"),
        ({"name": " ", "date_from": "2026-01-01", "date_to": "2026-01-01"}, "name"),
        ({"name": "X", "date_to": "2026-01-01"}, "date_from"),
    ],
)
def test_bad_campaigns_are_refused(api, run, body, field):
    r = api("Service Manager").post("/api/v1/campaign/", json={"kind": "event", **body})
    assert r.status_code == 422, r.data
    assert field in str(r.json["message"])
    assert run(lambda s: s.scalar(select(func.count(Campaign.id)))) == 0


def test_who_may_write_market_records(api, run):
    assert api("Technician").post("/api/v1/competitor/", json={"name": "A"}).status_code == 403
    assert api("Accountant").post("/api/v1/campaign/", json={"name": "A"}).status_code == 403
    assert api("Accountant").get("/api/v1/campaign/").status_code == 200
    assert api("Technician").get("/api/v1/campaign/").status_code == 403
    assert api("Technician").get("/api/v1/competitor/").status_code == 200
    assert run(lambda s: s.scalar(select(func.count(Competitor.id)))) == 0


def test_campaigns_are_cancelled_not_deleted(api, ui, run):
    r = api("Service Manager").post(
        "/api/v1/campaign/",
        json={
            "name": "Fair",
            "kind": "trade_fair",
            "date_from": "2026-03-01",
            "date_to": "2026-03-03",
            "cost": 100,
        },
    )
    assert r.status_code == 201, r.data
    cid = r.json["id"]
    assert api("Service Manager").delete(f"/api/v1/campaign/{cid}").status_code == 409
    ui("Service Manager").get(f"/campaignview/delete/{cid}")
    assert run(lambda s: s.get(Campaign, cid)) is not None
    r = api("Service Manager").put(f"/api/v1/campaign/{cid}", json={"cancelled": True})
    assert r.status_code == 200 and r.json["result"]["cancelled"] is True


def test_campaign_effect_against_the_period_before(app, run, api, ui):
    today = date.today()

    def build(session):
        who = data.partners(session, today)
        inv = data.inventory(session, today, who)
        # 10 days of campaign (today-9 .. today) against today-19 .. today-10:
        # before it one sale of 2 x 15.00 to the South
        data.sell(
            session, who["south"], inv["main"], inv["p1"], 2, "15", today - timedelta(days=12)
        )
        c = Campaign(
            name="Promo",
            kind="promotion",
            date_from=today - timedelta(days=9),
            date_to=today,
            cost=data.D("30"),
        )
        north = Campaign(
            name="North fair",
            kind="trade_fair",
            date_from=today - timedelta(days=9),
            date_to=today,
            cost=data.D("30"),
            region="North",
        )
        session.add_all([c, north])
        session.flush()
        return c.id, north.id

    cid, north = run(build)
    r = api("Accountant").get(f"/api/v1/campaign/{cid}/effect")
    assert r.status_code == 200, r.data
    eff = r.json
    assert eff["previous"] == {
        "from": (today - timedelta(days=19)).isoformat(),
        "to": (today - timedelta(days=10)).isoformat(),
    }
    rows = {m["key"]: m for m in eff["measures"]}
    sold = rows["inventory.parts_sold"]
    assert (sold["current"], sold["previous"], sold["change"]) == (58.0, 30.0, 28.0)
    assert sold["change_pct"] == 93.3
    assert rows["inventory.parts_sales"]["current"] == 2
    assert rows["inventory.parts_sales"]["previous"] == 1
    assert rows["partners.new_customers"]["current"] == 3  # created today (one archived since)
    assert eff["revenue_change"] == 28.0 and eff["net"] == -2.0
    # The North fair counts the North's revenue only: 40.00 against nothing.
    north_rows = {
        m["key"]: m
        for m in api("Accountant").get(f"/api/v1/campaign/{north}/effect").json["measures"]
    }
    assert (
        north_rows["inventory.parts_sold"]["current"],
        north_rows["inventory.parts_sold"]["previous"],
    ) == (40.0, 0.0)
    page = ui("Accountant").get(f"/campaignview/show/{cid}").get_data(as_text=True)
    assert "Measured effect" in page and "58.00" in page and "93.3" in page


def test_market_csv_exports(app, run, api):
    run(lambda s: data.campaigns(s, date.today()))
    r = api("Accountant").get("/api/v1/csv/export/dashboard_campaigns")
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "Spring promo" in text and "1000.00" in text
    assert api("Technician").get("/api/v1/csv/export/dashboard_campaigns").status_code == 403


def test_demo_data_loads_twice(app, run):
    from modules.dashboard.demo import load

    run(lambda s: load(s, "small"))
    run(lambda s: load(s, "small"))
    assert run(lambda s: s.scalar(select(func.count(Competitor.id)))) == 3
    assert (
        run(
            lambda s: s.scalar(
                select(func.count(MarketTerms.id)).where(MarketTerms.competitor_id.is_(None))
            )
        )
        == 3
    )
