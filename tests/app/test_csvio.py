"""CSV exports (streamed, options) and the all-or-nothing import, in the UI and the API."""

from __future__ import annotations

import io
import tracemalloc
from decimal import Decimal

from sqlalchemy import func, insert, select

from app.csvio import CsvOptions, format_value, write_csv
from modules.partners.models import Partner

GOOD = (
    "ref,name,kinds,tax_id,email,city,country\n"
    "C-1,Alfa Service,customer,7701000001,alfa@example.com,Moscow,RU\n"
    "C-2,Beta Ltda,dealer;supplier,,beta@example.com,Curitiba,BR\n"
)


def _count(run):
    return run(lambda s: s.scalar(select(func.count()).select_from(Partner)))


def _upload(client, text, **form):
    data = {"file": (io.BytesIO(text.encode("utf-8")), "partners.csv"), **form}
    return client.post("/api/v1/csv/import/partners", data=data, content_type="multipart/form-data")


def test_import_creates_partners_with_their_kinds(api, run):
    r = _upload(api("Service Manager"), GOOD)
    assert r.status_code == 200, r.json
    assert r.json["created"] == 2
    beta = run(
        lambda s: s.execute(
            select(Partner.is_dealer, Partner.is_supplier, Partner.is_customer).where(
                Partner.ref == "C-2"
            )
        ).one()
    )
    assert tuple(beta) == (True, True, False)


def test_one_bad_row_refuses_the_whole_file_with_line_numbers(api, run):
    bad = GOOD + "C-3,,customer,,not-an-email,Kazan,RUS\n"
    r = _upload(api("Service Manager"), bad)
    assert r.status_code == 422
    errors = {(e["line"], e["field"]) for e in r.json["errors"]}
    assert {(4, "name"), (4, "email"), (4, "country")} <= errors
    assert _count(run) == 0


def test_a_key_repeated_in_the_file_is_reported_against_its_first_line(api, run):
    r = _upload(api("Service Manager"), GOOD + "C-1,Again,customer,,,,\n")
    assert r.status_code == 422
    assert r.json["errors"] == [{"line": 4, "field": "ref", "message": "Repeats line 2."}]
    assert _count(run) == 0


def test_dry_run_validates_and_writes_nothing(api, run):
    r = _upload(api("Service Manager"), GOOD, dry_run="1")
    assert r.status_code == 200
    assert r.json["dry_run"] is True and r.json["created"] == 2
    assert _count(run) == 0


def test_second_import_updates_by_reference(api, run):
    client = api("Service Manager")
    _upload(client, GOOD)
    r = _upload(client, "ref,name,kinds,city\nC-1,Alfa Servis,customer;dealer,Tula\n")
    assert r.json["updated"] == 1 and r.json["created"] == 0
    cols = select(Partner.name, Partner.city, Partner.is_dealer).where(Partner.ref == "C-1")
    alfa = run(lambda s: s.execute(cols).one())
    assert tuple(alfa) == ("Alfa Servis", "Tula", True)


def test_unknown_columns_and_semicolon_files(api, run):
    client = api("Service Manager")
    r = _upload(client, "name,kinds,colour\nX,customer,red\n")
    assert r.status_code == 422
    assert "colour" in r.json["errors"][0]["message"]
    r = _upload(client, "name;kinds\nExcel Co;customer\n", delimiter=";")
    assert r.status_code == 200 and r.json["created"] == 1


def test_import_rights_and_bad_uploads(api):
    assert _upload(api("Viewer"), GOOD).status_code == 403
    assert _upload(api(None), GOOD).status_code == 401
    r = api("Service Manager").post("/api/v1/csv/import/partners", json={})
    assert r.status_code == 400
    r = _upload(api("Service Manager"), GOOD, delimiter="|")
    assert r.status_code == 400
    r = api("Service Manager").post(
        "/api/v1/csv/import/partners",
        data={"file": (io.BytesIO("name\n\xff".encode("latin-1")), "x.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    assert api("Service Manager").post("/api/v1/csv/import/nosuch").status_code in (400, 404)


def test_import_page_shows_the_errors_and_writes_nothing(ui, run):
    client = ui("Service Manager")
    r = client.post(
        "/exports/import/partners",
        data={"file": (io.BytesIO(b"name,kinds\n,customer\n"), "p.csv"), "delimiter": ","},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    assert b"import-errors" in r.data and b"nothing was written" in r.data
    assert _count(run) == 0


def test_export_streams_every_partner_with_options(api, run):
    run(lambda s: s.add_all([Partner(name=f"P{i}", is_customer=True) for i in range(5)]))
    r = api("Accountant").get("/api/v1/csv/export/partners?delimiter=;&bom=1")
    assert r.status_code == 200
    assert r.mimetype == "text/csv"
    text = r.data.decode("utf-8")
    assert text.startswith("\ufeffid;ref;name;")
    assert len(text.strip().splitlines()) == 6


def test_export_period_filter_and_bad_arguments(api):
    client = api("Accountant")
    assert client.get("/api/v1/csv/export/interactions?date_from=2026-01-01").status_code == 200
    r = client.get("/api/v1/csv/export/interactions?date_from=2026-13-01")
    assert r.status_code == 400 and "date_from" in r.data.decode()
    r = client.get("/api/v1/csv/export/interactions?date_from=2026-02-01&date_to=2026-01-01")
    assert r.status_code == 400
    assert client.get("/api/v1/csv/export/partners?decimal=x").status_code == 400
    assert client.get("/api/v1/csv/export/nosuch").status_code == 404


def test_exports_page_lists_only_what_the_user_may_take(ui):
    page = ui("Accountant").get("/exports/").data
    assert b"partners" in page
    assert b"Imports" not in page  # accountants read, they do not import
    assert b"Imports" in ui("Service Manager").get("/exports/").data


def test_decimal_separator_and_values():
    assert format_value(Decimal("1234.50"), ",") == "1234,50"
    assert format_value(True) == "1"
    assert format_value(None) == ""
    out = "".join(write_csv(["a", "b"], [(Decimal("1.5"), "x;y")], CsvOptions(";", ",")))
    assert out == 'a;b\r\n1,5;"x;y"\r\n'


def test_export_memory_stays_flat(app, run):
    """Peak Python memory for 60k rows stays under 10 MB (the rows alone are ~25 MB)."""
    rows = [
        {
            "name": f"Partner {i:06d} with a longish name",
            "is_customer": True,
            "city": "São Paulo",
            "email": f"p{i}@example.com",
        }
        for i in range(60_000)
    ]
    run(lambda s: s.execute(insert(Partner), rows))
    from app.csvio import stream_export
    from app.db import db

    with app.app_context():
        export = app.extensions["aftersales"].exports["partners"]
        tracemalloc.start()
        n = 0
        for chunk in stream_export(db.session, export, CsvOptions()):
            n += chunk.count("\n")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert n == 60_001
    assert peak < 10 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_a_period_on_a_timestamp_column_takes_whole_utc_days(app, run):
    from datetime import UTC, date, datetime

    from app.csvio import Column, CsvExport
    from app.models import AuditLog

    def seed(s):
        for stamp in ("2026-03-01T00:00:00", "2026-03-31T23:59:59", "2026-04-01T00:00:00"):
            at = datetime.fromisoformat(stamp).replace(tzinfo=UTC)
            s.add(AuditLog(at=at, table_name="x", row_id="1", action="insert", changes={}))

    run(seed)
    export = CsvExport(
        "audit",
        "Audit",
        "AuditLog",
        (Column("at", AuditLog.at),),
        date_column=AuditLog.at,
        order_by=(AuditLog.id,),
    )
    stmt = export.statement(date(2026, 3, 1), date(2026, 3, 31))
    rows = run(lambda s: [r[0].day for r in s.execute(stmt)])
    assert rows == [1, 31]


def test_fixed_scale_numbers_leave_the_database_as_text(run):
    """The export writes what the database prints: scale kept, NULL empty, sign kept."""
    from sqlalchemy import literal_column, select

    from app.csvio import decimal_text

    def values(s):
        two = literal_column("2")
        return [
            s.execute(select(decimal_text(literal_column(v), two))).scalar()
            for v in ("-1.5", "3", "NULL", "1234567.125")
        ]

    got = run(values)
    assert got[:3] == ["-1.50", "3.00", None]
    assert got[3] in ("1234567.13", "1234567.12")  # binary float on SQLite, numeric on PG


def test_the_screen_proposes_the_readers_csv_and_the_api_keeps_the_machines(app, ui, api):
    """A Russian or Brazilian accountant's Excel opens the file as it is (`;`, decimal
    comma, BOM) when he downloads from the screen without choosing; an integrator's
    API call keeps `,` and `.`; a choice on the form wins over the defaults."""
    accountant = ui("Accountant")
    for lang, first_bytes, delimiter in (("ru", b"\xef\xbb\xbf", ";"), ("en", b"", ",")):
        accountant.get(f"/lang/{lang}")
        page = accountant.get("/exports/").get_data(as_text=True)
        assert f'<option value="{delimiter if delimiter != "," else ","}" selected>' in page
        body = accountant.get("/exports/partners.csv").data
        assert body.startswith(first_bytes) and body[len(first_bytes) :].startswith(b"id")
        header = body[len(first_bytes) :].split(b"\r\n")[0].decode()
        assert delimiter in header and ("," not in header if delimiter == ";" else True)
    accountant.get("/lang/ru")
    chosen = accountant.get("/exports/partners.csv?delimiter=,&decimal=.&bom=0").data
    assert not chosen.startswith(b"\xef\xbb\xbf") and b"," in chosen.split(b"\r\n")[0]
    machine = api("Accountant").get("/api/v1/csv/export/partners")
    assert machine.status_code == 200 and not machine.data.startswith(b"\xef\xbb\xbf")
    assert b";" not in machine.data.split(b"\r\n")[0]


def test_the_exports_page_is_grouped_by_module_and_searchable(ui):
    page = ui("Accountant").get("/exports/").get_data(as_text=True)
    assert page.count('class="as-export-group"') >= 3  # one per module with exports
    found = ui("Accountant").get("/exports/?q=stock+valuation").get_data(as_text=True)
    assert "stock_valuation" in found and "partners.csv" not in found
    none = ui("Accountant").get("/exports/?q=zzzz").get_data(as_text=True)
    assert "No export or import matches" in none
