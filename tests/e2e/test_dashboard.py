"""Browser test of the dashboard: the home page in each language with its charts drawn
by the app itself (no request leaves 127.0.0.1), no console errors, and the pages it
links to. Screenshots go to test-artifacts/e2e/."""

from __future__ import annotations

import pytest

from tests.conftest import ROLE_USERS
from tests.e2e.conftest import SKIP_REASON, login

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]


@pytest.mark.parametrize("lang", ["en", "pt_BR", "ru"])
def test_dashboard_in_each_language(new_page, watch, artifacts, lang):
    page = new_page()
    login(page, ROLE_USERS["Admin"])
    page.goto(f"/lang/{lang}")
    response = page.goto("/")
    assert response is not None and response.status == 200
    assert page.locator(".dsh-kpi").count() >= 5
    charts = page.locator("svg.dsh-chart")
    assert charts.count() >= 2, "no chart drawn"
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 80
    assert page.locator("html").get_attribute("lang") in (None, "", lang, lang.split("_")[0])
    page.screenshot(path=artifacts / f"dashboard-{lang}.png", full_page=True)
    watch.check()


def test_dashboard_pages_and_a_kpi_link(new_page, watch, artifacts):
    page = new_page()
    login(page, ROLE_USERS["Service Manager"])
    link = page.locator(".dsh-kpi a").first
    href = link.get_attribute("href")
    with page.expect_navigation():
        link.click()
    assert "/login" not in page.url, href
    for path, shot in (
        ("/servicereport/", "service-report"),
        ("/costrevenue/", "cost-revenue"),
        ("/planning/", "planning"),
        ("/market/compare", "market-compare"),
        ("/campaignview/list/", "campaigns"),
        ("/mynotifications/list/", "my-notifications"),
        ("/mysettings/", "my-settings"),
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.screenshot(path=artifacts / f"dashboard-{shot}.png", full_page=True)
    page.goto("/campaignview/list/")
    page.locator("table.table-bordered tbody tr a[href*='/campaignview/show/']").first.click()
    page.wait_for_load_state()
    assert page.locator(".dsh-effect").count() == 1
    page.screenshot(path=artifacts / "dashboard-campaign.png", full_page=True)
    watch.check()


def test_technician_sees_his_dashboard(new_page, watch, artifacts):
    page = new_page()
    login(page, ROLE_USERS["Technician"])
    assert page.locator("[data-kpi='staff.my_tasks_due']").count() == 1
    assert page.locator("[data-kpi='inventory.parts_sold_month']").count() == 0
    page.screenshot(path=artifacts / "dashboard-technician.png", full_page=True)
    watch.check()
