"""Accounting exports, demo data (idempotent) and the dashboard contributions."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import func, select

from app.insights import Context
from modules.contracts import demo, insights
from modules.contracts.models import (
    DealerReimbursement,
    ScheduledVisit,
    ServiceContract,
)
from modules.contracts.services import create_reimbursement
from modules.contracts.services.reimbursements import transition
from tests.contracts.helpers import TODAY, D, make_contract, make_world, user_id


def _rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_billing_schedule_and_reimbursement_exports(run, api):
    w = run(make_world)

    def setup(session):
        make_contract(
            session,
            w["customer"],
            model_id=w["model"],
            start=date(2026, 1, 1),
            end=date(2026, 12, 31),
            billing_period="quarterly",
        )
        make_contract(session, w["customer"], model_id=w["model"], stage="draft")
        dc = make_contract(
            session, w["dealer"], kind="dealer", labour_rate=D("20"), parts_discount_pct=D("5")
        )
        item = create_reimbursement(
            session,
            DealerReimbursement(
                contract_id=dc.id,
                unit_id=w["new_unit"],
                work_date=TODAY,
                description="Fan",
                labour_hours=D("2"),
                parts_amount=D("100"),
            ),
        )
        for step in ("submit", "check", "approve"):
            transition(session, item, step)

    run(setup)
    acc = api("Accountant")
    r = acc.get("/api/v1/csv/export/contract_billing?date_from=2026-04-01&date_to=2026-09-30")
    assert r.status_code == 200, r.data[:200]
    rows = _rows(r)
    assert [x["period_start"] for x in rows] == ["2026-04-01", "2026-07-01"]
    assert rows[0]["amount"] == "300.00" and rows[0]["contract"].startswith("SC-")
    r = acc.get("/api/v1/csv/export/dealer_reimbursements?decimal=,&delimiter=;")
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and "Dealer South" in text
    row = list(csv.DictReader(io.StringIO(text), delimiter=";"))[0]
    assert (row["labour_amount"], row["parts_reimbursed"], row["total"]) == (
        "40,00",
        "95,00",
        "135,00",
    )
    assert row["unit_serial"] == "AC-0004" and row["state"] == "approved"
    assert api("Technician").get("/api/v1/csv/export/contract_billing").status_code == 403


def test_demo_loads_every_stage_and_is_idempotent(run):
    def load(session):
        demo.load(session, "small")
        demo.load(session, "small")

    run(load)

    def check(session):
        states = dict(
            session.execute(
                select(ServiceContract.state, func.count(ServiceContract.id)).group_by(
                    ServiceContract.state
                )
            ).all()
        )
        assert {"active", "negotiation", "draft", "renewed"} <= set(states)
        assert session.scalar(select(func.count(ScheduledVisit.id))) > 0
        assert session.scalar(select(func.count(DealerReimbursement.id))) == 2

    run(check)


def test_insights(run):
    w = run(make_world)

    def check(session):
        manager = user_id(session, "Service Manager")
        c = make_contract(
            session,
            w["customer"],
            model_id=w["model"],
            start=TODAY - timedelta(days=340),
            end=TODAY + timedelta(days=20),
            manager_id=manager,
            visits_per_year=12,
        )
        ctx = Context(today=TODAY, roles=frozenset({"Service Manager"}))
        assert insights.expiring_count(session, ctx) == 1
        notices = list(insights.renewal_notices(session, TODAY))
        assert [n.user_id for n in notices] == [manager]
        assert c.number in str(notices[0].text)
        assert insights.overdue_visits(session, ctx) > 0
        revenue = list(insights.contract_revenue(session, c.start_date, TODAY))
        assert revenue and all(line.contract == c.number for line in revenue)
        table = insights.visits_section(session, c.start_date, c.end_date)
        assert table.totals[1] == 12
        assert insights.breaches_this_month(session, ctx) == 0

    run(check)


def test_the_dashboard_sees_contracts(app):
    from app.insights import collect

    with app.app_context():
        keys = {k.key for _m, k in collect("kpis", app)}
    assert {"contracts.expiring", "contracts.sla_breaches"} <= keys
