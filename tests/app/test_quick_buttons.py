"""Quick-filter buttons on the working lists (#15 item 4): "Mine / Open only / Overdue
only / All" above the table of repairs, overdue repairs, claims, tasks and visits, the
active one marked, each with the number of rows it keeps, and the reader's other
filters kept. Found by users: the quick filters existed only as URL parameters
(`?quick=open`) that nobody could find."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, timedelta

import pytest

from modules.claims.models import Claim
from modules.staff.models import Task
from modules.warranty.models import RepairOrder
from tests.warranty.helpers import make_world, user_id

RECORD_COUNT = re.compile(r"<strong>Record Count:</strong>\s*(\d+)")
BUTTON = re.compile(
    r'<a class="btn btn-sm (?P<cls>[^"]*?) as-quick-(?P<name>\w+)"\s+href="(?P<href>[^"]*)"'
    r"[^>]*>(?P<label>[^<]*)<span class=\"badge as-quick-count\">(?P<count>\d+)</span>"
)


def _buttons(html: str) -> dict[str, dict]:
    return {
        m["name"]: {
            "active": "active" in m["cls"].split(),
            "href": html_lib.unescape(m["href"]),
            "label": m["label"].strip(),
            "count": int(m["count"]),
        }
        for m in BUTTON.finditer(html)
    }


def _count(client, url: str) -> int:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    found = RECORD_COUNT.search(r.get_data(as_text=True))
    return int(found.group(1)) if found else 0


def _world(s):
    w = make_world(s, stock_qty=None)
    tech, manager = user_id(s, "Technician"), user_id(s, "Service Manager")
    officer = user_id(s, "Claims Officer")
    today = date.today()
    rows = [
        # number, state, due, technician
        ("RO-2026-00001", "received", today - timedelta(days=3), tech),  # overdue, tech's
        ("RO-2026-00002", "in_repair", today + timedelta(days=9), tech),  # open, tech's
        ("RO-2026-00003", "diagnosing", today - timedelta(days=1), manager),  # overdue
        ("RO-2026-00004", "returned", today - timedelta(days=20), tech),  # closed
        ("RO-2026-00005", "cancelled", None, manager),  # closed
    ]
    for number, state, due, who in rows:
        s.add(
            RepairOrder(
                number=number,
                unit_id=w["unit"],
                customer_id=w["customer"],
                reported_defect="Noise",
                state=state,
                due_date=due,
                technician_id=who,
            )
        )
    s.add_all(
        [
            Claim(
                number="CL-2026-00001",
                customer_id=w["customer"],
                description="Leak",
                officer_id=officer,
                due_date=today - timedelta(days=2),
            ),
            Claim(number="CL-2026-00002", customer_id=w["customer"], description="Noise"),
            Task(title="Call the customer", assignee_id=tech, due_date=today),
            Task(title="Order parts", assignee_id=manager, due_date=today + timedelta(days=5)),
        ]
    )


@pytest.fixture
def world(run):
    run(_world)


LISTS = {
    "/repairorderview/list/": ["mine", "open", "overdue", "all"],
    "/overduerepairview/list/": ["mine", "open", "overdue", "all"],
    "/claimview/list/": ["mine", "open", "overdue", "all"],
    "/taskview/list/": ["mine", "open", "overdue", "due", "all"],
    "/scheduledvisitview/list/": ["mine", "open", "overdue", "all"],
}


@pytest.mark.parametrize("path", list(LISTS))
def test_every_working_list_has_its_buttons_and_their_counts_are_its_rows(world, ui, path):
    manager = ui("Service Manager")
    page = manager.get(path).get_data(as_text=True)
    buttons = _buttons(page)
    assert list(buttons) == LISTS[path]
    assert [n for n, b in buttons.items() if b["active"]] == ["all"]
    for name, button in buttons.items():
        assert _count(manager, button["href"]) == button["count"], (path, name)
    assert buttons["all"]["count"] == int(RECORD_COUNT.search(page).group(1))


def test_the_active_button_is_marked_and_other_filters_are_kept(world, ui):
    manager = ui("Service Manager")
    page = manager.get("/repairorderview/list/?quick=overdue").get_data(as_text=True)
    buttons = _buttons(page)
    assert [n for n, b in buttons.items() if b["active"]] == ["overdue"]
    assert 'aria-current="true"' in page
    assert {n: b["count"] for n, b in buttons.items()} == {
        "mine": 2,
        "open": 3,
        "overdue": 2,
        "all": 5,
    }
    # a search filter stays when another button is chosen
    page = manager.get(
        "/repairorderview/list/", query_string={"quick": "open", "_flt_0_number": "RO-2026-0000"}
    ).get_data(as_text=True)
    buttons = _buttons(page)
    assert buttons["open"]["active"]
    assert "_flt_0_number=RO-2026-0000" in buttons["overdue"]["href"]
    assert "quick=overdue" in buttons["overdue"]["href"]
    assert "quick" not in buttons["all"]["href"]
    page = manager.get(
        "/repairorderview/list/", query_string={"quick": "open", "_flt_0_number": "RO-2026-00001"}
    ).get_data(as_text=True)
    assert {n: b["count"] for n, b in _buttons(page).items()}["overdue"] == 1


def test_counts_follow_the_readers_record_rule(world, ui):
    tech = ui("Technician")
    buttons = _buttons(tech.get("/repairorderview/list/").get_data(as_text=True))
    assert {n: b["count"] for n, b in buttons.items()} == {
        "mine": 3,
        "open": 2,
        "overdue": 1,
        "all": 3,
    }
    for button in buttons.values():
        assert _count(tech, button["href"]) == button["count"]


def test_labels_in_the_readers_language(world, ui):
    manager = ui("Service Manager")
    manager.get("/lang/ru")
    buttons = _buttons(manager.get("/claimview/list/").get_data(as_text=True))
    assert buttons["all"]["label"] == "Все"


def test_a_list_without_quick_filters_has_no_buttons(world, ui):
    page = ui("Service Manager").get("/unitview/list/").get_data(as_text=True)
    assert "as-quick" not in page
