"""CSV header row in the reader's language, when asked (#15 item 9).

Found by users: an accountant opening an export in a spreadsheet read `is_customer`,
`postal_code`, `customer_tax_id` at the top of the columns, in a Russian or Brazilian
office. The Exports page and the CSV API now offer the columns' labels in the reader's
language (`header=labels`); the technical names stay the default, since imports and
integrators read them."""

from __future__ import annotations

import csv
import io

from modules.partners.models import Partner

TECHNICAL = [
    "id",
    "ref",
    "name",
    "is_customer",
    "is_dealer",
    "is_supplier",
    "tax_id",
    "email",
    "phone",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "active",
]


def _partner(run):
    run(lambda s: s.add(Partner(name="Olga Petrova", is_customer=True, city="Kazan")))


def _rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_the_screen_keeps_technical_names_unless_asked(ui, run):
    _partner(run)
    client = ui("Accountant")
    client.get("/lang/ru")
    r = client.get("/exports/partners.csv")
    assert r.status_code == 200
    rows = _rows(r.data)
    assert rows[0] == TECHNICAL
    assert rows[1][2] == "Olga Petrova"

    r = client.get("/exports/partners.csv?header=labels")
    assert r.status_code == 200
    header, row = _rows(r.data)
    assert len(header) == len(TECHNICAL) and row[2] == "Olga Petrova"
    named = dict(zip(TECHNICAL, header, strict=True))
    assert named["id"] == "Внутренний ID"
    assert named["name"] == "Название"
    assert named["phone"] == "Телефон"
    assert named["city"] == "Город"
    assert named["postal_code"] == "Почтовый индекс"
    assert named["tax_id"] == "ИНН"
    assert not set(header) & set(TECHNICAL)


def test_labels_in_portuguese(ui, run):
    _partner(run)
    client = ui("Accountant")
    client.get("/lang/pt_BR")
    header = _rows(client.get("/exports/partners.csv?header=labels").data)[0]
    named = dict(zip(TECHNICAL, header, strict=True))
    assert (named["name"], named["city"], named["street"]) == ("Nome", "Cidade", "Logradouro")


def test_the_exports_page_offers_the_choice_and_shows_the_labels(ui):
    client = ui("Accountant")
    client.get("/lang/ru")
    page = client.get("/exports/").get_data(as_text=True)
    assert '<select class="form-control input-sm" name="header">' in page
    assert '<option value="names" selected>' in page
    assert '<option value="labels">' in page
    # the columns table names each column and its label
    assert "<td>postal_code</td><td>Почтовый индекс</td>" in page


def test_the_api_keeps_technical_names_unless_asked(api, run):
    _partner(run)
    client = api("Accountant")
    r = client.get("/api/v1/csv/export/partners")
    assert r.status_code == 200 and _rows(r.data)[0] == TECHNICAL
    r = client.get("/api/v1/csv/export/partners?header=names&_l_=ru")
    assert _rows(r.data)[0] == TECHNICAL
    r = client.get("/api/v1/csv/export/partners?header=labels&_l_=ru")
    assert r.status_code == 200
    header = _rows(r.data)[0]
    assert header[2] == "Название" and header[10] == "Город"
    r = client.get("/api/v1/csv/export/partners?header=labels")
    assert _rows(r.data)[0][:3] == ["Internal id", "Reference", "Name"]
    r = client.get("/api/v1/csv/export/partners?header=titles")
    assert r.status_code == 400 and "header" in r.get_data(as_text=True)


def test_the_api_catalog_gives_each_column_its_label(api):
    r = api("Accountant").get("/api/v1/csv/?_l_=ru")
    assert r.status_code == 200
    export = next(e for e in r.json["exports"] if e["name"] == "partners")
    columns = {c["name"]: c["label"] for c in export["columns"]}
    assert columns["city"] == "Город" and columns["postal_code"] == "Почтовый индекс"


def test_every_export_has_a_label_for_every_column(app):
    """No export's header row falls back to its technical names: every column has a
    label declared somewhere (its own, its export's, its screens' or a shared one),
    or words the catalog translates."""
    from flask_babel import force_locale, gettext

    from app import csvheaders

    with app.test_request_context(), force_locale("ru"):
        for export in app.extensions["aftersales"].exports.values():
            screens = csvheaders.screen_labels(export)
            for column in export.columns:
                declared = (
                    column.label is not None
                    or column.header in (export.labels or {})
                    or column.header in screens
                    or column.header in csvheaders.COMMON_LABELS
                )
                words = csvheaders.readable(column.header)
                assert declared or gettext(words) != words, (export.name, column.header)
