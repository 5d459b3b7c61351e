"""The periodic service report (PDF text and CSV checked), cost and revenue control per
period, model, region and contract, and pricing and warranty planning."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from modules.dashboard.services import planning
from tests.dashboard import data
from tests.dashboard.contrib import Failure, UnitsSold, fake_warranty, plugged

D = Decimal


@pytest.fixture
def world(run):
    return run(data.world)


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def period(day: date) -> str:
    return f"date_from={day.isoformat()}&date_to={day.isoformat()}"


def test_report_pdf_has_the_periods_figures(app, world, ui):
    pytest.importorskip("pypdf")
    today = date.today()
    with plugged(app, fake_warranty(today)):
        r = ui("Accountant").get(f"/servicereport/report.pdf?{period(today)}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = pdf_text(r.data)
    assert "Service report" in text
    assert "Parts sold" in text and "P-1" in text and "58.00" in text
    assert "Costs and revenue" in text
    assert "-102.00" in text  # margin: revenue 58 + recoveries 20 - warranty cost 180
    assert "180.00" in text
    assert "T2" in text and "0 of 1 done on time" in text  # tasks due today
    assert "Spring promo" in text and "1,000.00" in text and "Dropped show" not in text


def test_report_pdf_in_russian_embeds_cyrillic(app, world, ui):
    pytest.importorskip("pypdf")
    client = ui("Service Manager")
    client.get("/lang/ru")
    today = date.today()
    r = client.get(f"/servicereport/report.pdf?{period(today)}")
    assert r.status_code == 200
    with app.app_context():
        from flask_babel import force_locale, format_date

        with force_locale("ru"):
            day = format_date(today, "long")
    text = pdf_text(r.data)
    assert day.split()[1] in text  # the month's name in Russian
    assert "58,00" in text


def test_report_csv_blocks(app, world, ui):
    today = date.today()
    client = ui("Accountant")
    r = client.get(f"/servicereport/report.csv?{period(today)}&delimiter=;&decimal=,")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True)), delimiter=";"))
    start = rows.index(["Parts sold"])
    assert rows[start + 1] == ["SKU", "Part", "Quantity", "Amount"]
    assert rows[start + 2] == ["P-1", "Pump", "3", "58,00"]
    assert rows[start + 3] == ["Total", "", "", "58,00"]


def test_report_sections_follow_the_readers_rights(world, ui, api):
    today = date.today()
    page = ui("Viewer").get(f"/servicereport/?{period(today)}").get_data(as_text=True)
    assert "Customer interactions" in page
    assert "Parts sold" not in page and "Costs and revenue" not in page
    assert ui("Technician").get("/servicereport/").status_code == 403
    r = api("Technician").get("/api/v1/service_report/")
    assert r.status_code == 403


def test_report_period_errors_are_4xx(ui, api):
    r = api("Accountant").get("/api/v1/service_report/?date_from=2026-02-01&date_to=2026-01-01")
    assert r.status_code == 400
    r = api("Accountant").get("/api/v1/service_report/?date_from=2026-13-01&date_to=2026-01-01")
    assert r.status_code == 400
    r = api("Accountant").get("/api/v1/service_report/pdf?date_from=2026-01-01")
    assert r.status_code == 400
    assert ui("Accountant").get("/servicereport/?date_from=x").status_code == 400


def _money(api, params: str) -> dict:
    r = api("Accountant").get(f"/api/v1/cost_revenue/?{params}")
    assert r.status_code == 200, r.data
    return r.json


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        (
            "model",
            {"WM-1": (130, 0, 20, -110), "WM-2": (50, 0, 0, -50), "(none)": (0, 58, 0, 58)},
        ),
        ("region", {"North": (130, 40, 20, -70), "South": (50, 18, 0, -32)}),
        ("contract", {"C-1": (100, 0, 0, -100), "(none)": (80, 58, 20, -2)}),
    ],
)
def test_cost_and_revenue_by_model_region_contract(app, world, api, group_by, expected):
    today = date.today()
    with plugged(app, fake_warranty(today)):
        got = _money(api, f"{period(today)}&group_by={group_by}")
    rows = {r["group"]: (r["cost"], r["revenue"], r["recovery"], r["margin"]) for r in got["rows"]}
    assert rows == expected
    t = got["totals"]
    assert (t["cost"], t["revenue"], t["recovery"], t["margin"]) == (180, 58, 20, -102)
    assert t["amounts"] == {
        "fake.parts": 150,
        "fake.labour": 30,
        "fake.recovery": 20,
        "inventory.parts_sold": 58,
    }


def test_cost_and_revenue_by_month(app, world, api):
    today = date.today()
    old = today - timedelta(days=40)
    got = _money(api, f"date_from={old.isoformat()}&date_to={today.isoformat()}")
    rows = {r["group"]: r["revenue"] for r in got["rows"]}
    assert rows[old.strftime("%Y-%m")] == 10 and rows[today.strftime("%Y-%m")] == 58


def test_cost_and_revenue_page_and_errors(app, world, ui, api):
    today = date.today()
    client = ui("Accountant")
    with plugged(app, fake_warranty(today)):
        page = client.get(f"/costrevenue/?{period(today)}&group_by=region").get_data(as_text=True)
        assert "North" in page and "Parts at cost" in page and "Recoveries from suppliers" in page
        r = client.get(f"/costrevenue/costs.csv?{period(today)}&group_by=model")
        assert r.status_code == 200 and "WM-1" in r.get_data(as_text=True)
    assert client.get(f"/costrevenue/?{period(today)}&group_by=colour").status_code == 400
    assert api("Accountant").get("/api/v1/cost_revenue/").status_code == 400
    assert ui("Technician").get("/costrevenue/").status_code == 403
    assert api("Viewer").get(f"/api/v1/cost_revenue/?{period(today)}").status_code == 403


def _warranty_history():
    sold = date(2023, 1, 10)
    fails = [
        Failure("WM-1", sold, sold + relativedelta(months=age - 1, days=5), D("200"))
        for age in (14, 18, 20, 22, 24)
    ]
    fails.append(Failure("WM-1", sold, date(2023, 6, 20), D("80")))  # age 6: already covered
    fails.append(Failure("WM-1", sold, date(2025, 8, 1), D("900")))  # age 31: beyond
    units = [
        UnitsSold("WM-1", date(2023, 1, 1), 100),
        UnitsSold("WM-1", date(2025, 6, 1), 40),
        UnitsSold("WM-1", date(2026, 1, 1), 10),
        UnitsSold("WM-2", date(2025, 3, 1), 50),
    ]
    return units, fails


def test_age_in_months():
    assert planning.age_in_months(date(2023, 1, 10), date(2023, 1, 10)) == 1
    assert planning.age_in_months(date(2023, 1, 10), date(2023, 2, 10)) == 1
    assert planning.age_in_months(date(2023, 1, 10), date(2023, 2, 11)) == 2
    assert planning.age_in_months(date(2023, 1, 31), date(2023, 2, 28)) == 1


def test_longer_warranty_expected_extra_cost(app, run):
    units, fails = _warranty_history()
    today = date(2026, 1, 15)
    with plugged(app, fake_warranty(date(2026, 1, 10), units, fails, {"WM-1": 12})):
        rows = run(lambda s: planning.extension(s, 12, 24, today))
        costs = run(lambda s: planning.cost_per_unit(s, date(2026, 1, 1), date(2026, 1, 31)))
    wm1, wm2 = rows
    # 5 failures at ages 13-24 among the 100 units in the field that long: 5 %,
    # at 200.00 each: 10.00 a unit; 50 units sold in the last 12 months.
    assert (wm1.model, wm1.failures_in_range, wm1.months_observed) == ("WM-1", 5, 12)
    assert wm1.extra_failures_per_unit == D("0.05") and wm1.avg_repair_cost == D("200.00")
    assert wm1.extra_cost_per_unit == D("10.00")
    assert wm1.units_last_year == 50 and wm1.extra_cost_per_year == D("500.00")
    assert wm1.complete
    assert wm2.model == "WM-2" and wm2.months_observed == 0 and not wm2.complete
    assert wm2.extra_cost_per_unit == D("0.00")
    by_model = {c.model: c for c in costs}
    assert by_model["WM-1"].units == 10 and by_model["WM-1"].net == D("110.00")
    assert by_model["WM-1"].per_unit == D("11.00")
    assert by_model["WM-2"].units == 0 and by_model["WM-2"].per_unit is None


def test_planning_page_and_api(app, ui, api, run):
    units, fails = _warranty_history()
    with plugged(app, fake_warranty(date(2026, 1, 10), units, fails, {"WM-1": 12})):
        service = run(lambda s: planning.extension(s, 12, 24))
        page = ui("Service Manager").get("/planning/?current=12&proposed=24")
        r = api("Accountant").get("/api/v1/planning/warranty_extension?current=12&proposed=24")
        bad = api("Accountant").get("/api/v1/planning/warranty_extension?current=24&proposed=12")
        bad_page = ui("Service Manager").get("/planning/?current=abc")
    assert page.status_code == 200 and "dsh-extension" in page.get_data(as_text=True)
    assert r.status_code == 200 and r.json["available"] is True
    wm1 = next(x for x in r.json["result"] if x["model"] == "WM-1")
    assert wm1["extra_cost_per_unit"] == float(service[0].extra_cost_per_unit)
    assert wm1["failures_in_range"] == 5
    assert bad.status_code == 400 and bad_page.status_code == 400
    assert ui("Viewer").get("/planning/").status_code == 403
