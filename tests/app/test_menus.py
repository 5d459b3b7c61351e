"""Menus shaped by role: configuration and reference data under one Settings category,
reports under Reports, the user's own pages under his name; each role's work first in
the navbar; technicians, HR and warehouse clerks see no entry outside their work; the
navbar's bell counts the user's unread notifications; a notice's link opens the record
and is never a link to another site."""

from __future__ import annotations

import re

import pytest

from app.security import (
    ACCOUNTANT,
    ADMIN,
    BUILTIN_ROLES,
    CLAIMS_OFFICER,
    HR,
    SERVICE_MANAGER,
    TECHNICIAN,
    VIEWER,
    WAREHOUSE_CLERK,
    expected_pairs,
)
from tests.conftest import ROLE_USERS, ui_login

# The menu entries (FAB menu names) of each limited role's work; every other entry
# stays out of its menu (the pages stay open to its rights: links, figures).
WORK = {
    TECHNICIAN: {
        # warranty: his repairs, the units he repairs, inspections, loaners he hands out
        "Repair orders", "Repair board", "Overdue repairs", "Units", "Inspections",
        "Substitute units lent",
        # parts for his repairs, visits to customers
        "Parts", "Parts by model", "Stock levels", "Scheduled visits",
        # his own
        "Dashboard", "My notifications", "My settings", "My tasks", "My job description",
        "My training", "My requests",
    },
    HR: {
        "Employees", "Positions", "Job descriptions", "Acknowledgements", "Responsibilities",
        "Absences", "Training programs", "Training sessions", "Training records",
        "Time spent", "Tasks", "Incoming requests", "Staff KPIs", "Unsigned job descriptions",
        "Training compliance", "Training plan", "Working calendar", "Exports",
        "Dashboard", "My notifications", "My settings", "My tasks", "My job description",
        "My training", "My requests",
    },
    WAREHOUSE_CLERK: {
        "Parts", "Equipment models", "Fitment", "Parts by model", "Warehouses",
        "Stock levels", "Stock moves", "Reservations", "Reorder rules", "Replenishment",
        "Supplier prices", "Purchase orders", "Parts sales", "Customer returns",
        "Partners", "Contacts", "Interactions", "Repair orders", "Repair board",
        "Shipments", "Exports",
        "Dashboard", "My notifications", "My settings", "My tasks", "My job description",
        "My training", "My requests",
    },
}  # fmt: skip
# What each of them needs in the menu at least
MUST = {
    TECHNICIAN: {"Repair orders", "Parts", "Stock levels", "Scheduled visits", "My tasks"},
    HR: {"Employees", "Absences", "Training programs", "Staff KPIs", "Working calendar"},
    WAREHOUSE_CLERK: {"Parts", "Stock moves", "Purchase orders", "Shipments", "Supplier prices"},
}
# Configuration and reference data: all under Settings
SETTINGS = {
    "Working calendar", "Legal periods", "Audit log", "Positions", "Equipment models",
    "Fitment", "Warehouses", "Reorder rules", "Supplier prices", "Warranty policies",
    "Checklists", "Defect codes", "Detection settings", "Competitors", "After-sales terms",
}  # fmt: skip
REPORTS = {
    "Exports", "Staff KPIs", "Unsigned job descriptions", "Training compliance",
    "Training plan", "Failed inspections", "Defect rates", "Satisfaction report",
    "Contract SLA", "Service report", "Cost and revenue", "Pricing and warranty planning",
    "Terms side by side",
}  # fmt: skip


def _menu(client) -> dict[str, list[str]]:
    """category -> entries, as /api/v1/menu/ gives them to the logged-in user."""
    r = client.get("/api/v1/menu/")
    assert r.status_code == 200
    out = {}
    for item in r.json["result"]:
        childs = [c["name"] for c in item.get("childs", []) if isinstance(c, dict)]
        out[item["name"]] = childs or [item["name"]]
    return out


def _entries(menu: dict[str, list[str]]) -> set[str]:
    return {e for entries in menu.values() for e in entries}


def _ui(app, role):
    client = app.test_client()
    ui_login(client, ROLE_USERS[role])
    return client


def test_settings_and_reports_are_shared_categories(app):
    menu = _menu(_ui(app, ADMIN))
    assert set(menu["Settings"]) >= SETTINGS, set(menu["Settings"]) ^ SETTINGS
    assert set(menu["Reports"]) >= REPORTS, set(menu["Reports"]) ^ REPORTS
    for category in ("Staff", "Inventory", "Warranty", "Claims", "Dashboard"):
        assert not set(menu[category]) & (SETTINGS | REPORTS), category
    assert {"My tasks", "My notifications", "My settings"} <= set(menu["Me"])


@pytest.mark.parametrize("role", [TECHNICIAN, HR, WAREHOUSE_CLERK])
def test_limited_roles_see_only_their_work(app, role):
    shown = _entries(_menu(_ui(app, role)))
    assert not shown - WORK[role], f"{role} sees entries outside his work: {shown - WORK[role]}"
    assert MUST[role] <= shown, f"{role} misses {MUST[role] - shown}"


def test_settings_are_in_the_menu_of_whom_keeps_them(app):
    """A technician reads the legal periods and the warranty policies (his repairs show
    them) but does not keep them: they are not in his menu, yet the pages open."""
    tech = _ui(app, TECHNICIAN)
    shown = _entries(_menu(tech))
    assert not shown & {"Legal periods", "Warranty policies", "Checklists", "Competitors"}
    assert tech.get("/legalperiodview/list/").status_code == 200
    manager = _entries(_menu(_ui(app, SERVICE_MANAGER)))
    assert {"Legal periods", "Warranty policies", "Checklists", "Audit log"} <= manager
    assert "Audit log" in _entries(_menu(_ui(app, ACCOUNTANT)))  # nobody writes it: readers


@pytest.mark.parametrize("role", BUILTIN_ROLES)
def test_entries_per_role(app, role, capsys):
    """Every role's menu is what the role declarations give (the access matrix test
    checks the same through the API); the counts are printed for the record."""
    menu = _menu(_ui(app, role))
    if role != ADMIN:
        with app.app_context():
            permissions = app.extensions["aftersales"].permissions.values()
            expected = {
                res
                for perm, res in expected_pairs(app.appbuilder, permissions, role)
                if perm == "menu_access"
            }
        assert set(menu) | _entries(menu) == expected
    with capsys.disabled():
        print(f"\nmenu entries of {role}: {len(_entries(menu))} in {len(menu)} categories")


HOME = {
    TECHNICIAN: "Warranty",
    CLAIMS_OFFICER: "Claims",
    HR: "Staff",
    ACCOUNTANT: "Reports",
    WAREHOUSE_CLERK: "Inventory",
    SERVICE_MANAGER: "Warranty",
    VIEWER: "Reports",
}


def _navbar_categories(html: str) -> list[str]:
    """The categories of the navbar's menu, in order (their `title`)."""
    menu = html.split('class="nav navbar-nav as-menu"', 1)[1].split("</ul>\n            <ul", 1)[0]
    return re.findall(r'<li class="[^"]*as-cat[^"]*">\s*<a [^>]*title="([^"]*)"', menu)


@pytest.mark.parametrize("role", sorted(HOME))
def test_the_working_category_comes_first(app, role):
    page = _ui(app, role).get("/partnerview/list/" if role != HR else "/employeeview/list/")
    html = page.get_data(as_text=True)
    assert _navbar_categories(html)[0] == HOME[role], _navbar_categories(html)
