"""A CSV export's header row in the reader's language (#15 item 9).

Files keep their technical column names by default: imports and integrators read
them, and they never change. A person opening a file in a spreadsheet may ask for the
columns' labels in his language instead (`?header=labels` on the Exports page's
download and on `GET /api/v1/csv/export/<name>`). A column's label is, in turn: its
own `label` (app.csvio.Column), its export's `labels` ({header: label}), the label
the screens of the export's records give a field of that name, a label many exports
share (COMMON_LABELS), else the name as words, translated when the catalog knows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.errors import DomainError

# The header row: the technical names (stable, what imports and integrators read) or
# the columns' labels in the reader's language, for a person opening the file.
HEADER_ARG = "header"
HEADER_NAMES = "names"
HEADER_LABELS = "labels"

# Labels of header names many exports share; an export's own are its columns' `label`
# or its `labels`.
COMMON_LABELS: dict[str, Any] = {
    "id": _l("Internal id"),
    "number": _l("Number"),
    "name": _l("Name"),
    "date": _l("Date"),
    "state": _l("State"),
    "amount": _l("Amount"),
    "total": _l("Total"),
    "quantity": _l("Quantity"),
    "customer": _l("Customer"),
    "supplier": _l("Supplier"),
    "partner": _l("Partner"),
    "dealer": _l("Dealer"),
    "contract": _l("Contract"),
    "model": _l("Equipment model code"),
    "serial_number": _l("Serial number"),
    "sku": _l("SKU"),
    "warehouse": _l("Warehouse"),
    "note": _l("Note"),
    "reason": _l("Reason"),
    "region": _l("Region"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "tax_id": _l("Tax id"),
    "customer_tax_id": _l("Customer tax id"),
    "supplier_tax_id": _l("Supplier tax id"),
    "unit_price": _l("Unit price"),
    "unit_cost": _l("Unit cost"),
    "cost": _l("Cost"),
    "value": _l("Value"),
    "labour": _l("Labour"),
    "parts": _l("Parts"),
    "due_date": _l("Due date"),
    "returned_on": _l("Returned on"),
    "active": _l("Active"),
    "kind": _l("Kind"),
    "ref": _l("Reference"),
    "date_from": _l("From"),
    "date_to": _l("To"),
    "personnel_no": _l("Personnel number"),
    "customer_ref": _l("Customer reference"),
    "partner_ref": _l("Partner reference"),
    "unit_serial": _l("Serial number"),
}


def readable(name: str) -> str:
    """A technical name as words: "serial_number" -> "Serial number"."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def header_choice(args) -> str:
    """HEADER_NAMES or HEADER_LABELS, as the request's `header` asks (names when it
    does not); anything else is a 400."""
    value = str(args.get(HEADER_ARG) or HEADER_NAMES).lower()
    if value not in (HEADER_NAMES, HEADER_LABELS):
        raise DomainError(
            _l(
                "Unknown value %(value)s for header; use “names” (the technical column "
                "names) or “labels” (in your language).",
                value=value,
            ),
            field=HEADER_ARG,
            status=400,
        )
    return value


def header_label(export, column, fallback: Mapping[str, Any] | None = None) -> str:
    """`column`'s header in the reader's language (see the module's docstring);
    `fallback`: the labels of the screens of the export's records."""
    label = column.label
    if label is None and export.labels:
        label = export.labels.get(column.header)
    if label is None and fallback:
        label = fallback.get(column.header)
    if label is None:
        label = COMMON_LABELS.get(column.header)
    if label is None:
        return gettext(readable(column.header)) or column.header
    return str(label)


def header_labels(export, fallback: Mapping[str, Any] | None = None) -> list[str]:
    return [header_label(export, c, fallback) for c in export.columns]


def screen_labels(export) -> dict[str, Any]:
    """The labels the screens (ModelViews) of the export's main table give their
    fields ({field name: label}): an export's `customer` is the repair list's
    "Customer"."""
    from flask import current_app

    table = getattr(export.select_from, "name", None)
    if table is None:
        return {}
    out: dict[str, Any] = {}
    for view in cast(Any, current_app).appbuilder.baseviews:
        dm = getattr(view, "datamodel", None)
        model = getattr(dm, "obj", None)
        if getattr(model, "__tablename__", None) == table and view.label_columns:
            for name, label in view.label_columns.items():
                # declared (lazy); FAB's own are words. A label naming the reader's
                # time zone is a screen's: the file's times are UTC
                if not isinstance(label, str) and "zone" not in getattr(label, "_kwargs", {}):
                    out.setdefault(name, label)
    return out
