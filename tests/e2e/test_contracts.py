"""Browser walkthrough of a contract deal as the service manager: the list flags the deal
stuck in negotiation; approve and sign it from its page (each step recorded, visits
generated); the pipeline and renewal pages; the technician sees his visits.
Screenshots go to test-artifacts/e2e/."""

from __future__ import annotations

import pytest

from tests.conftest import ROLE_USERS
from tests.e2e.conftest import SKIP_REASON, login

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

MANAGER = ROLE_USERS["Service Manager"]
TECHNICIAN = ROLE_USERS["Technician"]


def step(page, action: str, comment: str = "") -> None:
    if comment:
        page.fill("#as-transition-form input[name=comment]", comment)
    with page.expect_navigation():
        page.locator(f"button.as-transition[data-action={action}]").click()


def test_manager_signs_a_stuck_deal_and_sees_renewals(new_page, watch, artifacts):
    page = new_page()
    login(page, MANAGER)
    page.goto("/servicecontractview/list/")
    row = page.locator("table tbody tr", has_text="Kitchen equipment maintenance")
    assert row.count() == 1 and row.locator(".as-stuck").count() == 1
    row.first.locator("a[href*='/servicecontractview/show/']").first.click()
    page.wait_for_load_state()
    step(page, "approve", "Terms agreed by phone")
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()
    step(page, "sign", "Signed copy received")
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()
    content = page.content()
    assert "Active (signed)" in content and "Signed copy received" in content
    assert "as-attachments" in content or "/attachments/ctr_service_contract/" in content
    page.screenshot(path=artifacts / "contract-signed-en.png", full_page=True)
    page.goto("/contractreports/pipeline")
    assert page.locator("tr[data-state=active] .as-count").inner_text() != "0"
    page.goto("/contractreports/renewals")
    assert "Extended service 24/7" in page.content()
    page.screenshot(path=artifacts / "contract-renewals-en.png", full_page=True)
    watch.check()


def test_technician_sees_his_visits(new_page, watch):
    page = new_page()
    login(page, TECHNICIAN)
    response = page.goto("/scheduledvisitview/list/")
    assert response is not None and response.status == 200
    rows = page.locator("table tbody tr a[href*='/scheduledvisitview/show/']")
    assert rows.count() >= 1
    watch.check()
