"""What a list screen offers besides FAB's own: search by a related record's text, and
the quick-filter buttons.

**Search by a related record.** FAB's filter on a relation is a select of every row of
the related table (slow on a big table, and it lists rows the reader may not see). A
view names text filters for its relations instead, FAB's search widget offers them
under "Add filter" with the relation's label, and they join the related table:

    search_filters = {
        "unit": filters.text_filters("serial_number", label=_l("Serial number")),
        "customer": filters.name_filters(),
        "technician": filters.person_filters(),
    }

`?_flt_0_unit=SN-1` keeps the repairs whose unit's serial starts with "SN-1",
`?_flt_1_unit=` contains it (case-insensitive; `%` and `_` are plain characters).
The view's record rule applies as always; a relation hidden from the reader
(app.policy.Fields) is refused with a 400 by AppModelView, a hidden column of the
related record by the filter itself.

**Quick-filter buttons.** A view whose base filters hold an `app.insights.QuickFilter`
gets a row of buttons above its list (app/templates/aftersales/list.html), from
`app.insights.quick_buttons`.

`install(view)` sets both up; AppModelView calls it when it builds a view.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from flask import abort
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.widgets import SearchWidget
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy.orm import aliased
from wtforms import StringField

from app import policy

# A field of the related record, or several joined by a space ("first_name",
# "last_name": a person's full name as it is typed).
Field = str | tuple[str, ...]

MAX_TEXT = 200  # longer text is no serial, name or number: a 400


class RelatedText(BaseFilter):
    """Rows whose related record (the many-to-one relation `column_name`) has a text
    field that starts with (`starts`) or contains the value; the fields of `fields`
    are tried in turn (any may match). Made by `text_filters`."""

    fields: tuple[Field, ...] = ()
    starts: bool = False
    arg_name = None  # screens only: FAB's REST filters map arg names globally

    def apply(self, query, value):
        from app.datamodel import BadFilterValue

        if not isinstance(value, str):
            raise BadFilterValue()
        text = value.strip()
        if not text:
            return query
        if len(text) > MAX_TEXT:
            raise BadFilterValue()
        relation = getattr(self.model, self.column_name)
        target = relation.property.mapper.class_
        hidden = policy.hidden(target)
        names = {n for f in self.fields for n in ((f,) if isinstance(f, str) else f)}
        if names & hidden:
            abort(400, description=str(_l("Cannot filter by this column.")))
        other = aliased(target)
        query = query.join(other, relation.of_type(other))
        exprs = [_field(other, f) for f in self.fields]
        if self.starts:
            clauses = [e.istartswith(text, autoescape=True) for e in exprs]
        else:
            clauses = [e.icontains(text, autoescape=True) for e in exprs]
        return query.filter(or_(*clauses))


def _field(entity, field: Field):
    if isinstance(field, str):
        return getattr(entity, field)
    expr = getattr(entity, field[0])
    for name in field[1:]:
        expr = expr + " " + getattr(entity, name)
    return expr


def text_filters(
    *fields: Field, label: Any, starts_with: bool = True, contains: bool = True
) -> list[type[BaseFilter]]:
    """The filters of a relation by its record's `fields`: "<label> starts with" and
    "<label> contains" (label: what the fields are, e.g. _l("Serial number"))."""
    out: list[type[BaseFilter]] = []
    for wanted, starts, name in (
        (starts_with, True, _l("%(field)s starts with", field=label)),
        (contains, False, _l("%(field)s contains", field=label)),
    ):
        if wanted:
            attrs = {"fields": tuple(fields), "starts": starts, "name": name}
            out.append(type("RelatedText", (RelatedText,), attrs))
    return out


def name_filters(*fields: Field, label: Any = None) -> list[type[BaseFilter]]:
    """A partner, a warehouse, a part...: by its name (or the `fields` given, e.g. a
    part's SKU and name)."""
    return text_filters(*(fields or ("name",)), label=label or _l("Name"))


def person_filters(label: Any = None) -> list[type[BaseFilter]]:
    """A login user (a technician, an officer): by user name, first or last name, or
    "first last" as typed."""
    return text_filters(
        "username",
        "first_name",
        "last_name",
        ("first_name", "last_name"),
        label=label or _l("Name"),
    )


class _FilterList(list):
    """A column's filters as FAB picks one by the index in `_flt_<index>_<column>`:
    an index the column has not is a 400 (FAB raised IndexError: a 500)."""

    def __getitem__(self, index):
        try:
            return super().__getitem__(index)
        except IndexError:
            abort(400, description=str(_l("Unknown filter.")))


def install_search_filters(view) -> None:
    """The view's `search_filters` ({relation: [filter classes]}) in its search: the
    relation joins its search columns with a text field, and its filters replace FAB's
    select of every related row."""
    extra: dict[str, Sequence[type[BaseFilter]]] = getattr(view, "search_filters", None) or {}
    if not extra:
        return
    plain = [c for c in view.search_columns if c not in extra]
    view.search_columns = [*plain, *extra]
    fields = dict(view.search_form_extra_fields or {})
    for col in extra:
        label = view.label_columns.get(col) or view._prettify_column(col)
        fields.setdefault(col, StringField(label, widget=BS3TextFieldWidget()))
    view.search_form_extra_fields = fields
    flts = view.datamodel.get_filters(plain)
    own = {
        col: _FilterList(cls(col, view.datamodel) for cls in classes)
        for col, classes in extra.items()
    }
    # new dicts: with no plain column FAB's would be the class-wide default
    flts._search_filters = {**flts._search_filters, **own}
    flts._all_filters = {**flts._all_filters, **own}
    view._filters = flts


class ShownSearchWidget(SearchWidget):
    """FAB's search widget offering only the columns it is not told to leave out
    (FAB's ignored `exclude_cols`: a field hidden from the reader was still offered)."""

    def __call__(self, **kwargs):
        args = self.template_args
        exclude = set(args.get("exclude_cols") or ())
        args["include_cols"] = [c for c in args["include_cols"] if c not in exclude]
        return super().__call__(**kwargs)


def install(view) -> None:
    """A list screen's extras on `view` (an AppModelView being built): its search by
    related records, offering no hidden field, and, when it has quick filters, their
    buttons."""
    from app.insights import QuickFilter, quick_buttons

    install_search_filters(view)
    if view.search_widget is SearchWidget:
        view.search_widget = ShownSearchWidget
    if any(isinstance(f, QuickFilter) for f in view._base_filters.filters):
        view.extra_args = {**(view.extra_args or {}), "quick_buttons": partial(quick_buttons, view)}
