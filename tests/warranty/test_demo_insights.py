"""Demo data loads (twice, harmlessly) with repairs in every stage; the dashboard
contributions compute from it (open, overdue, turnaround, cost per model, notices)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.insights import Context
from modules.warranty import insights
from modules.warranty.models import RepairOrder, Unit


def _load_demo(app, run):
    def go(s):
        for _name, load in app.extensions["aftersales"].demo:
            load(s, "small")
            s.flush()

    run(go)


def test_demo_and_insights(app, run, api):
    _load_demo(app, run)
    _load_demo(app, run)  # again: nothing doubled
    assert run(lambda s: s.scalar(select(func.count(Unit.id)))) == 40
    states = set(run(lambda s: s.scalars(select(RepairOrder.state)).all()))
    assert {"draft", "received", "in_repair", "returned"} <= states
    ctx = Context(today=date.today(), roles=frozenset({"Service Manager"}))
    assert run(lambda s: insights.overdue_repairs(s, ctx)) >= 1
    assert run(lambda s: insights.open_repairs(s, ctx)) >= 4
    assert run(lambda s: insights.average_turnaround(s, ctx)) is not None
    assert not run(lambda s: insights.repairs_by_state(s, ctx)).empty
    notices = run(lambda s: list(insights.overdue_notices(s, date.today())))
    assert notices and all(n.link.startswith("/repairorderview/show/") for n in notices)
    costs = run(lambda s: list(insights.warranty_labour_cost(s, date(2000, 1, 1), date.today())))
    assert costs and all(c.warranty for c in costs)
    assert run(lambda s: insights.warranty_months(s))
    assert list(run(lambda s: list(insights.failures(s))))
    table = run(lambda s: insights.repairs_section(s, date(2000, 1, 1), date.today()))
    assert table.rows
    # a technician's dashboard counts only his repairs: none of them are someone else's
    from app.policy import Actor

    tech = Actor(user_id=-1, roles=frozenset({"Technician"}), acting_for=frozenset({-1}))
    tech_ctx = Context(today=date.today(), roles=tech.roles, acting_for={-1}, actor=tech)
    assert run(lambda s: insights.open_repairs(s, tech_ctx)) == 0
    # the demo pages answer
    r = api("Service Manager").get("/api/v1/repair_order/overdue")
    assert r.status_code == 200 and r.json["result"][0]["days_overdue"] > 0
