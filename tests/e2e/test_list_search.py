"""In a browser: a repair found by its unit's serial through "Add Filter", and the
quick-filter buttons keeping that filter (#15 item 4)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.db import db
from tests.conftest import ROLE_USERS
from tests.e2e.conftest import SKIP_REASON, login

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

RECORD_COUNT = re.compile(r"Record Count:\s*(\d+)")


def _a_repaired_serial(app) -> tuple[str, int]:
    """The serial of a unit with repairs, and how many repairs start with it."""
    from modules.warranty.models import RepairOrder, Unit

    with app.app_context():
        serial = db.session.scalar(
            select(Unit.serial_number).join(RepairOrder, RepairOrder.unit_id == Unit.id).limit(1)
        )
        count = len(
            db.session.scalars(
                select(RepairOrder.id)
                .join(Unit, RepairOrder.unit_id == Unit.id)
                .where(Unit.serial_number.startswith(serial))
            ).all()
        )
        db.session.remove()
    return serial, count


def test_find_a_repair_by_serial_then_narrow_it_with_a_button(app, new_page, watch, artifacts):
    serial, expected = _a_repaired_serial(app)
    page = new_page()
    login(page, ROLE_USERS["Service Manager"])
    page.goto("/repairorderview/list/")
    page.get_by_text("Search", exact=True).first.click()
    page.get_by_role("button", name="Add Filter").click()
    page.locator("a.filter[name=unit]").click()
    row = page.locator("table.filters tr").last
    assert "Serial number starts with" in row.inner_text()
    row.locator("input.filter_val").fill(serial.lower())
    with page.expect_navigation():
        page.locator("#filter_form button[type=submit], #filter_form a.btn-primary").first.click()
    assert "_flt_0_unit=" in page.url
    # the search stays open, showing the filter applied
    assert page.locator("table.filters input.filter_val").first.input_value() == serial.lower()
    text = page.locator("body").inner_text()
    assert int(RECORD_COUNT.search(text).group(1)) == expected
    assert serial in text
    # the quick-filter buttons keep the search
    all_button = page.locator("a.as-quick-all")
    assert "active" in (all_button.get_attribute("class") or "")
    with page.expect_navigation():
        page.locator("a.as-quick-open").click()
    assert "quick=open" in page.url and "_flt_0_unit=" in page.url
    assert "active" in (page.locator("a.as-quick-open").get_attribute("class") or "")
    page.screenshot(path=str(artifacts / "list-search-quick.png"), full_page=True)
    watch.check()
