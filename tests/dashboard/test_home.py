"""The home dashboard: every KPI against a data set with a known answer, figures
filtered by role, each figure linking to the list behind it, charts drawn in the
reader's language."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.dashboard import data


@pytest.fixture
def world(run):
    return run(data.world)


def kpis(api, role="Admin") -> dict:
    r = api(role).get("/api/v1/dashboard/kpis")
    assert r.status_code == 200, r.data
    return {k["key"]: k for k in r.json["result"]}


def test_every_kpi_has_its_known_value(world, api):
    got = kpis(api)
    expected = dict(data.EXPECTED)
    today = date.today()
    expected["dashboard.campaigns_running"] = 1 + (today.month == 1 and today.day == 1)
    values = {k: got[k]["value"] for k in expected if k in got}
    assert values == expected
    assert not [k for k, v in got.items() if v["error"]]
    assert got["inventory.below_reorder_point"]["warn"] is True
    assert got["staff.tasks_overdue"]["warn"] is True
    assert got["partners.active_customers"]["warn"] is False


def test_my_tasks_count_mine_and_those_i_stand_in_for(world, api, run):
    from tests.staff.helpers import absent

    assert kpis(api, "Technician")["staff.my_tasks_due"]["value"] == 2
    assert kpis(api, "Service Manager")["staff.my_tasks_due"]["value"] == 0
    emp = world["staff"]["emp"]
    today = date.today()
    run(lambda s: absent(s, emp["Technician"], emp["Service Manager"], today, today))
    assert kpis(api, "Service Manager")["staff.my_tasks_due"]["value"] == 2


def test_figures_follow_what_the_role_may_read(world, api):
    tech = set(kpis(api, "Technician"))
    assert {"staff.my_tasks_due", "partners.active_customers"} <= tech
    assert not tech & {
        "inventory.stock_value",  # a cost: not for a technician
        "staff.tasks_overdue",
        "inventory.parts_sold_month",
        "staff.training_compliance",
        "dashboard.campaign_cost",
    }
    accountant = set(kpis(api, "Accountant"))
    assert {"inventory.parts_sold_month", "dashboard.campaign_cost", "inventory.stock_value"} <= (
        accountant
    )
    assert "staff.training_compliance" in accountant
    assert "staff.tasks_overdue" in accountant  # the accountant reads tasks
    viewer = set(kpis(api, "Viewer"))
    assert "inventory.parts_sold_month" not in viewer and "staff.tasks_overdue" not in viewer


def _list_rows(client, link: str) -> str:
    r = client.get(link)
    assert r.status_code == 200, (link, r.data[:500])
    return r.get_data(as_text=True)


def test_each_figure_links_to_the_list_behind_it(world, api, ui):
    got = kpis(api)
    admin = ui("Admin")
    t = world["staff"]["tasks"]
    page = _list_rows(admin, got["staff.tasks_overdue"]["link"])
    assert t["T1"][1] in page
    assert not [n for k, (_i, n) in t.items() if k != "T1" and n in page]
    page = _list_rows(admin, got["inventory.parts_sold_month"]["link"])
    inv = world["inventory"]
    assert all(n in page for n in inv["sales_month"])
    assert inv["sale_old"] not in page and inv["quotation"] not in page
    page = _list_rows(admin, got["partners.follow_ups"]["link"])
    assert page.count("Send the offer") == 2
    page = _list_rows(admin, got["staff.trainings_expiring"]["link"])
    assert "Technician Person" in page
    page = _list_rows(admin, got["dashboard.campaign_cost"]["link"])
    assert "Spring promo" in page and "New year fair" in page and "Dropped show" not in page
    assert "P-2" in _list_rows(admin, got["inventory.below_reorder_point"]["link"])
    tech = kpis(api, "Technician")["staff.my_tasks_due"]["link"]
    page = _list_rows(ui("Technician"), tech)
    assert t["T1"][1] in page and t["T2"][1] in page and t["T4"][1] not in page


def test_home_page_shows_kpis_and_charts(world, ui):
    client = ui("Admin")
    page = client.get("/").get_data(as_text=True)
    assert 'data-kpi="inventory.stock_value" data-value="80.00"' in page
    assert 'data-kpi="staff.tasks_overdue" data-value="1"' in page
    assert page.count('<svg class="dsh-chart"') >= 3
    month = date.today().strftime("%Y-%m")
    assert f"{month}: " in page  # the bar of this month's parts sales has its tooltip
    assert "partners" in page  # the installed modules are still listed


@pytest.mark.parametrize(
    ("lang", "money"),
    [("en", "80.00"), ("pt_BR", "80,00"), ("ru", "80,00")],
)
def test_home_page_figures_in_each_language(world, ui, lang, money):
    client = ui("Admin")
    client.get(f"/lang/{lang}")
    page = client.get("/").get_data(as_text=True)
    block = re.search(r'data-kpi="inventory.stock_value".*?</div>\s*</div>', page, re.S).group(0)
    assert money in block
    chart = re.search(r'<svg class="dsh-chart".*?</svg>', page, re.S).group(0)
    assert "<script" not in chart


def test_technician_home_has_no_figures_he_may_not_read(world, ui):
    page = ui("Technician").get("/").get_data(as_text=True)
    assert 'data-kpi="staff.my_tasks_due" data-value="2"' in page
    assert "inventory.parts_sold_month" not in page
    assert 'data-chart="inventory.sales_by_month"' not in page


def test_chart_api_gives_labels_and_series(world, api):
    r = api("Accountant").get("/api/v1/dashboard/charts")
    charts = {c["key"]: c for c in r.json["result"]}
    sales = charts["inventory.sales_by_month"]
    assert len(sales["labels"]) == 12
    assert sales["labels"][-1] == date.today().strftime("%Y-%m")
    assert sales["series"][0]["values"][-1] == 58.0
    old = (date.today() - timedelta(days=40)).strftime("%Y-%m")
    assert sales["series"][0]["values"][sales["labels"].index(old)] == 10.0


def test_a_failing_contribution_does_not_take_the_page_down(world, app, ui, api):
    from app.insights import Insights, Kpi

    def broken(session, ctx):
        raise RuntimeError("bug in a module")

    def bad_link(ctx):
        raise KeyError("bug in a link")

    loaded = app.extensions["aftersales"]
    contribution = Insights(
        kpis=[
            Kpi("broken.kpi", "Broken", broken),
            Kpi("broken.link", "Broken link", lambda s, c: 1, link=bad_link),
            Kpi("broken.value", "Not a number", lambda s, c: "many", warn_above=0),
        ]
    )
    loaded.insights.append(("broken", contribution))
    try:
        r = ui("Admin").get("/")
        got = kpis(api)
    finally:
        loaded.insights.pop()
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'data-kpi="broken.kpi" data-value=""' in page
    assert 'data-kpi="partners.active_customers" data-value="2"' in page
    assert all(got[k]["error"] for k in ("broken.kpi", "broken.link", "broken.value"))
    assert got["partners.active_customers"]["error"] is False
