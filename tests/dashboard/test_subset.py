"""The dashboard imports no module: with only partners and dashboard loaded every page
works, shows what partners contributes, and explains what the missing modules would add."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app import create_app
from modules.dashboard.models import Notification
from tests.conftest import base_config, ui_login
from tests.dashboard import data


@pytest.fixture(scope="module")
def small_app(app, database_url):
    return create_app(base_config(database_url), modules=["partners", "dashboard"])


def test_only_partners_and_dashboard(small_app, run):
    assert small_app.extensions["aftersales"].names == ["partners", "dashboard"]
    today = date.today()
    run(lambda s: data.partners(s, today))
    client = small_app.test_client()
    ui_login(client, "admin")
    home = client.get("/").get_data(as_text=True)
    assert 'data-kpi="partners.active_customers" data-value="2"' in home
    assert "inventory." not in home and "staff." not in home
    page = client.get("/planning/").get_data(as_text=True)
    assert "dsh-no-inputs" in page
    page = client.get("/costrevenue/").get_data(as_text=True)
    assert "No installed module reports costs or revenue yet" in page
    day = today.isoformat()
    r = client.get(f"/servicereport/report.pdf?date_from={day}&date_to={day}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert client.get("/market/compare").status_code == 200
    r = client.get(f"/api/v1/planning/cost_per_unit?date_from={day}&date_to={day}")
    assert r.status_code == 200 and r.json == {"available": False, "result": []}


def test_notify_without_staff_reaches_the_owner(small_app, run):
    today = date.today()
    run(lambda s: data.partners(s, today))
    result = small_app.test_cli_runner().invoke(args=["aftersales", "notify", "--no-mail"])
    assert result.exit_code == 0, result.output
    assert "new notifications: 1" in result.output

    def keys(session):
        uid = data.uid(session, "Technician")
        return session.scalars(select(Notification.key).where(Notification.user_id == uid)).all()

    assert [k.split(":")[0] for k in run(keys)] == ["ptn.followup"]


def test_notify_without_dashboard_says_so(app, database_url):
    bare = create_app(base_config(database_url), modules=["partners"])
    result = bare.test_cli_runner().invoke(args=["aftersales", "notify"])
    assert result.exit_code != 0 and "load dashboard" in result.output
    client = bare.test_client()
    ui_login(client, "viewer")
    assert b"Installed modules" in client.get("/").data  # the core's own home page
