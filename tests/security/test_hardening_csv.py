"""CSV hardening: formula cells in exports are neutralised (numbers are not), an
opt-out for programs, and in-request imports refused early above the row limit."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import Integer, Numeric, func, literal_column, select

from app.csvio import Column, CsvExport, CsvOptions, run_import, stream_export, write_csv
from app.errors import DomainError
from modules.partners.exports import IMPORTS
from modules.partners.models import Partner

EVIL = "=cmd|' /C calc'!A0"


def _rows(text: str, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


@pytest.fixture
def evil_partner(run):
    run(lambda s: s.add(Partner(name=EVIL, is_customer=True, phone="+7 495 000-00-00")))


def test_formula_in_a_partner_name_is_neutralised_in_the_export(api, evil_partner):
    r = api("Accountant").get("/api/v1/csv/export/partners")
    assert r.status_code == 200
    (row,) = _rows(r.data.decode())
    assert row["name"] == "'" + EVIL
    assert row["phone"] == "'+7 495 000-00-00"  # text that starts with + is text too
    assert row["id"].isdigit() and row["is_customer"] == "1"  # numbers untouched


def test_formula_is_neutralised_in_the_excel_variant_too(api, evil_partner):
    r = api("Accountant").get("/api/v1/csv/export/partners?delimiter=;&decimal=,&bom=1")
    text = r.data.decode("utf-8")
    assert text.startswith("\ufeff")
    (row,) = _rows(text, ";")
    assert row["name"] == "'" + EVIL


def test_programs_may_ask_for_raw_cells(api, evil_partner):
    r = api("Accountant").get("/api/v1/csv/export/partners?formulas=raw")
    (row,) = _rows(r.data.decode())
    assert row["name"] == EVIL


def test_an_unknown_formulas_option_is_a_400(api):
    r = api("Accountant").get("/api/v1/csv/export/partners?formulas=maybe")
    assert r.status_code == 400
    assert "formulas" in r.json["message"]


def test_the_exports_page_download_is_neutralised(ui, evil_partner):
    r = ui("Accountant").get("/exports/partners.csv")
    assert r.status_code == 200
    assert _rows(r.data.decode())[0]["name"] == "'" + EVIL


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "-cmd", '=HYPERLINK("x")']
)
def test_every_formula_start_is_neutralised_in_text(text):
    out = "".join(write_csv(["a"], [[text]], CsvOptions()))
    assert _rows(out)[0]["a"] == "'" + text


def test_negative_numbers_are_not_touched_in_any_form(run, evil_partner):
    """Numbers stay numbers: Decimal, int and float values, and the fixed-scale
    numbers the database writes as text."""
    out = "".join(
        write_csv(["d", "i", "f", "t"], [[Decimal("-12.50"), -3, -1.5, "-x"]], CsvOptions())
    )
    assert _rows(out)[0] == {"d": "-12.50", "i": "-3", "f": "-1.5", "t": "'-x"}
    P = Partner.__table__.c
    export = CsvExport(
        name="t",
        title="t",
        resource="Partner",
        columns=(
            Column("name", P.name),
            Column("money", literal_column("-12.5", Numeric(14, 2))),
            Column("count", literal_column("-3", Integer)),
        ),
        select_from=Partner.__table__,
    )

    def _export(session, options):
        return "".join(stream_export(session, export, options))

    text = run(lambda s: _export(s, CsvOptions(decimal=",")))
    assert _rows(text)[0] == {"name": "'" + EVIL, "money": "-12,50", "count": "-3"}
    raw = run(lambda s: _export(s, CsvOptions(neutralise=False)))
    assert _rows(raw)[0]["name"] == EVIL


# ---------------------------------------------------------------- import limits


def _upload(client, text: str, url="/api/v1/csv/import/partners", **form):
    data = {"file": (io.BytesIO(text.encode()), "p.csv"), "dry_run": "1", **form}
    return client.post(url, data=data, content_type="multipart/form-data")


def _partners_csv(rows: int) -> str:
    return "ref,name,kinds\n" + "".join(f"R-{i},Partner {i},customer\n" for i in range(rows))


def test_an_import_above_the_row_limit_is_a_422_naming_it(app, api, run, monkeypatch):
    monkeypatch.setitem(app.config, "CSV_MAX_IMPORT_ROWS", 3)
    client = api("Service Manager")
    ok = _upload(client, _partners_csv(3))
    assert ok.status_code == 200, ok.json
    r = _upload(client, _partners_csv(4))
    assert r.status_code == 422
    (message,) = r.json["message"]["file"]
    assert "more than 3 data rows" in message and "CSV_MAX_IMPORT_ROWS" in message
    assert run(lambda s: s.scalar(select(func.count()).select_from(Partner))) == 0


def test_the_import_page_names_the_row_limit(app, ui, monkeypatch):
    monkeypatch.setitem(app.config, "CSV_MAX_IMPORT_ROWS", 2)
    r = _upload(ui("Service Manager"), _partners_csv(5), url="/exports/import/partners")
    assert r.status_code == 422
    assert b"CSV_MAX_IMPORT_ROWS" in r.data


def test_the_row_limit_stops_before_any_row_is_validated(app, run):
    """A huge file is refused after the csv reader counted its rows: the schema
    never sees a row (the 19.6 MB dry run validated every row for minutes)."""
    calls = []
    imp = IMPORTS[0]

    class CountingSchema:
        def __init__(self):
            self.inner = imp.schema()
            self.fields = self.inner.fields

        def load(self, data):
            calls.append(data)
            return self.inner.load(data)

    counting = type(imp)(**{**imp.__dict__, "schema": CountingSchema})
    raw = _partners_csv(50_001).encode()

    def _run(session):
        with pytest.raises(DomainError) as err:
            run_import(session, counting, raw, dry_run=True, max_rows=50_000)
        return err.value

    err = run(_run, commit=False)
    assert err.status == 422 and "50000" in str(err.message)
    assert calls == []


def test_a_request_above_max_content_length_is_a_413_naming_the_limit(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    r = _upload(api("Service Manager"), "x" * (1024 * 1024 + 10))
    assert r.status_code == 413
    assert "1 MB" in r.json["message"]


def test_the_import_page_answers_413_naming_the_limit(app, ui, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    client = ui("Service Manager")
    r = _upload(client, "x" * (1024 * 1024 + 10), url="/exports/import/partners")
    assert r.status_code == 413
    assert b"1 MB" in r.data
