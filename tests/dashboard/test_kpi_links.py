"""Every count on the dashboard opens exactly the rows it counts, for its reader (#15).

On a fresh installation with demo data, for every role and every count figure the role
sees (`GET /api/v1/dashboard/kpis`, what the home page shows): the page its link opens,
followed as that role, shows as many rows as the figure says. Found by users: "5 open
repairs" opened all 10, "claims past their deadline = 7" an empty list, "open claims 11"
opened 12. The tests only read: the installation is left as it was found."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from app.insights import COUNT, DAYS, HOURS, MONEY, PERCENT, SCORE
from tests.conftest import DEMO_USERS, installed_api, installed_ui

ROLES = list(DEMO_USERS)

# Figures that are not a number of rows: there is no list whose length they could be.
NOT_COUNTS = {
    MONEY: "an amount of money, not a number of rows",
    PERCENT: "a share, not a number of rows",
    DAYS: "an average duration, not a number of rows",
    HOURS: "a sum of hours, not a number of rows",
    SCORE: "an average score, not a number of rows",
}

RECORD_COUNT = re.compile(r"<strong>Record Count:</strong>\s*(\d+)")


def _table_body(html: str, css: str) -> str:
    """The body of the report's table of class `css` ("" when the report shows none)."""
    found = re.search(rf'<table class="[^"]*\b{re.escape(css)}\b[^"]*">(.*?)</table>', html, re.S)
    if not found:
        return ""
    body = re.search(r"<tbody>(.*?)</tbody>", found.group(1), re.S)
    return body.group(1) if body else ""


def _rows(css: str):
    return lambda html: len(re.findall(r"<tr[\s>]", _table_body(html, css)))


def _late(html: str) -> int:
    """SLA report: one "late" label per missed response or resolution time."""
    return _table_body(html, "as-sla").count("label-danger")


def _stuck(html: str) -> int:
    """Deal pipeline: the stuck contracts of every stage."""
    return sum(int(n) for n in re.findall(r'as-stuck">(\d+)<', _table_body(html, "as-pipeline")))


# Figures that link to a report rather than a list: how the report shows what they count.
REPORTS = {
    "/inventoryreports/replenishment": _rows("as-replenishment"),
    "/contractreports/renewals": _rows("as-renewals"),
    "/contractreports/sla": _late,
    "/contractreports/pipeline": _stuck,
}


def _shown(ui, link: str) -> int:
    """How many rows the page at `link` shows to the client `ui`."""
    page = ui.get(link)
    assert page.status_code == 200, f"{link}: {page.status_code}"
    html = page.get_data(as_text=True)
    path = urlsplit(link).path
    if path.endswith("/list/"):
        found = RECORD_COUNT.search(html)
        assert found, f"{link}: no record count on the list"
        return int(found.group(1))
    assert path in REPORTS, f"{link}: neither a list nor a report whose rows this test counts"
    return REPORTS[path](html)


@pytest.mark.parametrize("role", ROLES)
def test_every_count_opens_the_rows_it_counts(installed_app, role):
    api = installed_api(installed_app, role)
    ui = installed_ui(installed_app, role)
    answer = api.get("/api/v1/dashboard/kpis")
    assert answer.status_code == 200, answer.json
    kpis = answer.json["result"]
    compared, wrong = [], []
    for kpi in kpis:
        if kpi["unit"] in NOT_COUNTS:
            continue  # NOT_COUNTS[unit] says why
        assert kpi["unit"] == COUNT, f"{kpi['key']}: unknown unit {kpi['unit']}"
        assert not kpi["error"], f"{kpi['key']}: {kpi['error']}"
        assert kpi["link"], f"{kpi['key']}: a count with no link to its rows"
        shown = _shown(ui, kpi["link"])
        compared.append(kpi["key"])
        if shown != kpi["value"]:
            wrong.append(f"{kpi['key']} = {kpi['value']}, {kpi['link']} shows {shown}")
    assert not wrong, f"{role}: " + "; ".join(wrong)
    assert compared, f"{role} sees no count figure: nothing was compared"


def test_quick_filters_the_figures_use_refuse_an_unknown_name(installed_app):
    ui = installed_ui(installed_app, "Service Manager")
    for path in ("/repairorderview/list/", "/claimview/list/", "/taskview/list/"):
        assert ui.get(path + "?quick=open").status_code == 200
        assert ui.get(path + "?quick=nonsense").status_code == 400
