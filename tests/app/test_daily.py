"""`flask aftersales daily` runs each loaded module's daily job, idempotently."""

from __future__ import annotations

from datetime import date, timedelta

from modules.contracts.models import ServiceContract
from tests.contracts.helpers import make_contract, make_world


def test_daily_runs_every_module_job_and_a_second_run_changes_nothing(app, run):
    names = [name for name, _ in app.extensions["aftersales"].daily]
    assert {"contracts", "claims"} <= set(names)

    today = date.today()

    def contract(s):
        w = make_world(s)
        start, end = today - timedelta(days=300), today + timedelta(days=10)
        return make_contract(s, w["customer"], model_id=w["model"], start=start, end=end).id

    cid = run(contract)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["aftersales", "daily"])
    assert first.exit_code == 0, first.output
    assert "contracts.expiring: 1" in first.output
    assert "claims.systemic_alerts_opened: 0" in first.output
    assert run(lambda s: s.get(ServiceContract, cid).state) == "expiring"
    second = runner.invoke(args=["aftersales", "daily"])
    assert second.exit_code == 0 and "contracts.expiring: 0" in second.output
    bad = runner.invoke(args=["aftersales", "daily", "--date", "27/11/2026"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
