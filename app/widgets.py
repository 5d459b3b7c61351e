"""A foreign-key form field that searches the related table over AJAX.

FAB's default select loads the whole related table into every add/edit form
(and every search form); with 100k customers that is seconds per page. This
field renders only the current value and lets select2 query `/lookup/<table>/`
page by page as the user types.

What a lookup offers for a row is its **lookup label** (`lookup_label`): the pieces
that tell two records apart (a customer's city and tax id, a unit's serial, model and
customer), from the model's own `lookup_label(hidden)` method, less the fields hidden
from the reader (app.policy.Fields); `__str__` stays what lists and pages show.

A lookup may **depend** on another field of its form: `depends={"customer":
"customer_id"}` limits the units offered to those of the customer chosen in the
form's `customer` field (`/lookup/wty_unit/?customer=<id>`), and choosing a unit
first fills that field with the unit's customer (the lookup answer carries it).
The endpoint accepts only the filters some field declared (`LOOKUP_FILTERS`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field
from wtforms.validators import StopValidation

_ID_RANGE = range(-(2**31), 2**31)  # the key columns are 32-bit integers

# table -> {filter parameter (also the form field it reads): column of that table}
LOOKUP_FILTERS: dict[str, dict[str, str]] = {}

Hidden = Callable[[Any], frozenset[str]]  # model -> the columns hidden from the reader


def join_label(head: Any, *pieces: Any) -> str:
    """`head — piece, piece` with the empty pieces left out."""
    rest = ", ".join(str(p) for p in pieces if p not in (None, ""))
    return f"{head} — {rest}" if rest else str(head)


def tax_id_label(number: str) -> str:
    """A tax id as the reader's country names it (CPF/CNPJ, ИНН)."""
    return gettext("Tax id %(number)s", number=number)


def lookup_label(obj: Any, actor: Any = None) -> str:
    """What a lookup shows for `obj`: its model's `lookup_label(hidden)`, else its
    `__str__`; a login user as "full name (username)". Fields hidden from `actor`
    (the current user by default) never appear."""
    if obj is None:
        return ""
    from app import policy

    def hidden(model) -> frozenset[str]:
        return policy.hidden(model, actor)

    method = getattr(obj, "lookup_label", None)
    if callable(method):
        return str(method(hidden))
    username = getattr(obj, "username", None)
    if isinstance(username, str) and hasattr(obj, "first_name"):
        full = " ".join(x for x in (obj.first_name, obj.last_name) if x)
        return f"{full} ({username})" if full else username
    return str(obj)


def current_user_row():
    """The logged-in user (a form's default for "you"), or None."""
    from app import policy

    return policy.request_user()


def _visible_rows(model, ids: set[int]) -> list:
    """The rows of `model` with these ids that the user may see (its record rule)."""
    from sqlalchemy import select

    from app import policy
    from app.db import db

    ids = {i for i in ids if i in _ID_RANGE}
    if not ids:
        return []
    stmt = policy.restrict(select(model).where(model.id.in_(ids)), model)
    return list(db.session.scalars(stmt))


def _option(obj) -> Markup:
    return Markup('<option value="{}" selected>{}</option>').format(obj.id, lookup_label(obj))


class LookupWidget:
    def __call__(self, field, **kwargs):
        url = url_for("LookupView.search", table=field.model.__tablename__)
        selected = _option(field.data) if field.data is not None else Markup("")
        depends = " ".join(field.depends)
        return Markup(
            '<select id="{}" name="{}" class="form-control as-lookup" data-lookup-url="{}" '
            'data-placeholder="{}" data-depends="{}"><option value=""></option>{}</select>'
        ).format(field.id, field.name, url, str(_l("Type to search")), depends, selected)


class LookupField(Field):
    """A many-to-one form field searching `model` over AJAX. `depends={param: column}`:
    the rows offered are those whose `column` equals the value of the form's field
    `param` when it has one, and picking a row fills that field (see the module doc)."""

    widget = LookupWidget()

    def __init__(self, label=None, validators=None, model=None, depends=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.model = model
        self.depends: dict[str, str] = dict(depends or {})
        self._invalid = False
        if self.depends and model is not None:
            register_filters(model, self.depends)

    @staticmethod
    def _pk(obj):
        return obj.id

    def _value(self):
        return "" if self.data is None else str(self._pk(self.data))

    def process_formdata(self, valuelist):
        self._invalid = False
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        try:
            pk = int(valuelist[0])
        except (TypeError, ValueError):
            pk = None
        rows = _visible_rows(self.model, {pk}) if pk is not None else []
        self.data = rows[0] if rows else None
        if self.data is None:
            self._invalid = True

    def pre_validate(self, form):
        if self._invalid:
            raise StopValidation(_l("The selected record does not exist."))


def register_filters(model, depends: dict[str, str]) -> None:
    """Declare the filters a lookup of `model` accepts: {parameter: key column}."""
    from sqlalchemy import inspect as sa_inspect

    columns = sa_inspect(model).columns
    for param, column in depends.items():
        if column not in columns:
            raise ValueError(f"{model.__name__} has no column {column!r} to filter a lookup by")
        LOOKUP_FILTERS.setdefault(model.__tablename__, {})[param] = column


class LookupMultipleWidget:
    def __call__(self, field, **kwargs):
        url = url_for("LookupView.search", table=field.model.__tablename__)
        selected = Markup("").join(_option(obj) for obj in field.data or ())
        return Markup(
            '<select id="{}" name="{}" class="form-control as-lookup" multiple '
            'data-lookup-url="{}" data-placeholder="{}">{}</select>'
        ).format(field.id, field.name, url, str(_l("Type to search")), selected)


class LookupMultipleField(Field):
    """A many-to-many form field searching the related table over AJAX (see LookupField)."""

    widget = LookupMultipleWidget()

    def __init__(self, label=None, validators=None, model=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.model = model
        self._invalid = False

    def _value(self):
        return [str(obj.id) for obj in self.data or ()]

    def process_formdata(self, valuelist):
        self._invalid = False
        try:
            ids = {int(v) for v in valuelist if v not in ("", None)}
        except (TypeError, ValueError):
            self._invalid, self.data = True, []
            return
        rows = _visible_rows(self.model, ids)
        self._invalid = len(rows) != len(ids)
        self.data = sorted(rows, key=lambda r: r.id)

    def pre_validate(self, form):
        if self._invalid:
            raise StopValidation(_l("The selected record does not exist."))
