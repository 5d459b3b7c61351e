"""A foreign-key form field that searches the related table over AJAX.

FAB's default select loads the whole related table into every add/edit form
(and every search form); with 100k customers that is seconds per page. This
field renders only the current value and lets select2 query `/lookup/<table>/`
page by page as the user types.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field
from wtforms.validators import StopValidation

_ID_RANGE = range(-(2**31), 2**31)  # the key columns are 32-bit integers


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


class LookupWidget:
    def __call__(self, field, **kwargs):
        url = url_for("LookupView.search", table=field.model.__tablename__)
        selected = Markup("")
        if field.data is not None:
            selected = Markup('<option value="{}" selected>{}</option>').format(
                field._pk(field.data), str(field.data)
            )
        return Markup(
            '<select id="{}" name="{}" class="form-control as-lookup" data-lookup-url="{}" '
            'data-placeholder="{}"><option value=""></option>{}</select>'
        ).format(field.id, field.name, url, str(_l("Type to search")), selected)


class LookupField(Field):
    widget = LookupWidget()

    def __init__(self, label=None, validators=None, model=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.model = model
        self._invalid = False

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


class LookupMultipleWidget:
    def __call__(self, field, **kwargs):
        url = url_for("LookupView.search", table=field.model.__tablename__)
        selected = Markup("").join(
            Markup('<option value="{}" selected>{}</option>').format(obj.id, str(obj))
            for obj in field.data or ()
        )
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
