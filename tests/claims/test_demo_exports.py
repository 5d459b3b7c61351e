"""Demo data loads (twice: idempotent); the accounting exports and insights work on it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.insights import Context
from modules.claims import insights
from modules.claims.models import Claim, DefectCode, SatisfactionRequest, SupplierClaim


def _load_demo(session):
    from flask import current_app

    loaded = current_app.extensions["aftersales"]
    for manifest in loaded.manifests:
        load = manifest.resolve("demo")
        if load is not None and manifest.name != "dashboard":
            load(session, "small")


def test_demo_loads_once_with_claims_in_every_stage(run):
    run(_load_demo)
    run(_load_demo)

    def check(s):
        states = dict(s.execute(select(Claim.state, func.count()).group_by(Claim.state)).all())
        assert {"new", "under_review", "expert_examination", "rejected"} <= set(states)
        assert s.scalar(select(func.count(DefectCode.id))) == 6
        assert s.scalar(select(func.count(SupplierClaim.id))) >= 1
        return states

    run(check)


def test_exports_and_money(api, run):
    run(_load_demo)
    acc = api("Accountant")
    for name in (
        "claims_compensations",
        "claims_penalties",
        "claims_expert_costs",
        "claims_supplier_recoveries",
    ):
        r = acc.get(f"/api/v1/csv/export/{name}")
        assert r.status_code == 200, name
        assert r.data.decode("utf-8-sig").splitlines()[0].startswith(("claim", "supplier_claim"))
    rec = acc.get("/api/v1/csv/export/claims_supplier_recoveries").data.decode()
    assert "300.00" in rec
    assert api("Technician").get("/api/v1/csv/export/claims_compensations").status_code == 403

    def money(s):
        today = date.today()
        out = {}
        for src in insights.INSIGHTS.money:
            out[src.key] = sum(
                line.amount for line in src.collect(s, today - timedelta(days=90), today)
            )
        return out

    totals = run(money)
    assert totals["claims.recoveries"] == 300


def test_kpis_and_notices(run):
    def go(s):
        from modules.claims import services
        from tests.claims.helpers import make_world, user_id

        w = make_world(s)
        today = date.today()
        late = services.register_claim(
            s,
            "Leak",
            unit_id=w["unit"],
            demand="refund",
            received_on=today - timedelta(days=30),
            officer_id=user_id(s, "Claims Officer"),
        )
        services.register_claim(s, "Noise", unit_id=w["unit"], demand="repair")
        ctx = Context(today=today)
        assert insights.open_claims(s, ctx) == 2
        assert insights.overdue_claims(s, ctx) == 1
        notices = list(insights.deadline_notices(s, today))
        keys = {n.key.split(":")[0] for n in notices if n.user_id == late.officer_id}
        assert "clm.deadline.overdue" in keys
        assert all(n.link == f"/claimview/show/{late.id}" for n in notices)
        sections = insights.claims_section(s, today - timedelta(days=60), today)
        assert sections[0].totals[1] == 2
        assert s.scalar(select(SatisfactionRequest.id)) is None

    run(go, commit=False)
