"""FAB's SQLAlchemy interface with the defaults that keep pages fast and errors clear.

- Relations shown in a list are loaded with `selectinload` (one statement per
  relation, whatever the page size) instead of one lazy load per row.
- A value the database cannot store (out-of-range number, NUL in text) becomes
  a 422 `DomainError` too; a list filter value it cannot compare with, a 400.
- A database integrity error becomes a `DomainError` with a message a user can
  read (which value is taken, which record is missing or still referenced),
  never raw SQL and never a 500.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_appbuilder.exceptions import ApplyFilterException
from flask_appbuilder.models.sqla import filters as fab_filters
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import Time
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import BadRequest

from app.errors import Conflict, DomainError


def integrity_error(exc: IntegrityError, deleting: bool = False) -> DomainError:
    """Translate an IntegrityError of SQLite or PostgreSQL into a readable DomainError."""
    orig = exc.orig
    text = str(orig)
    sqlstate = getattr(orig, "sqlstate", None)
    diag = getattr(orig, "diag", None)
    column = getattr(diag, "column_name", None) if diag else None
    if sqlstate == "23505" or "UNIQUE constraint failed" in text:
        field = column
        if not field:
            m = re.search(r"UNIQUE constraint failed: [\w.]+\.(\w+)", text) or re.search(
                r"Key \((\w+)", text
            )
            field = m.group(1) if m else None
        return Conflict(_l("A record with this value already exists."), field=field)
    if sqlstate == "23503" or "FOREIGN KEY constraint failed" in text:
        if deleting:
            return Conflict(
                _l("This record is used by other records and cannot be deleted; archive it.")
            )
        return DomainError(_l("A referenced record does not exist."))
    if sqlstate == "23502" or "NOT NULL constraint failed" in text:
        m = re.search(r"NOT NULL constraint failed: [\w.]+\.(\w+)", text)
        field = column or (m.group(1) if m else None)
        return DomainError(_l("This field is required."), field=field)
    if sqlstate == "23514" or "CHECK constraint failed" in text:
        return DomainError(_l("A value is outside the allowed range."))
    return DomainError(_l("The record could not be saved: it conflicts with other data."))


def data_error() -> DomainError:
    """A value the database cannot store: a number out of range for its column
    (PostgreSQL DataError, SQLite/driver OverflowError), a NUL character in text
    (PostgreSQL), a string too long for its column. The client sent it: 422."""
    return DomainError(_l("A value is out of range or not valid for its field."))


BAD_FILTER_MESSAGE = _l("A filter value is out of range or not valid for its column.")


class BadFilterValue(BadRequest):
    """A list filter whose value the column cannot hold (a 20-digit number for an
    int4 or a numeric(14, 2) column). A 400 for the screens (the error page) and for
    the API (FAB's @safe answers a BadRequest with 400 and `str(error)`)."""

    def __init__(self) -> None:
        super().__init__(description=str(BAD_FILTER_MESSAGE))

    def __str__(self) -> str:
        return str(self.description)


_TRUE = frozenset({"y", "yes", "true", "1", "on"})
_FALSE = frozenset({"", "n", "no", "false", "0", "off"})
_LIST_FILTERS = frozenset({"in", "not_in"})


def _scalar(datamodel, column: str, value):
    """One filter value as the column can compare it, or a 400.

    FAB passes a boolean's or a numeric's "abc" on as text, which PostgreSQL cannot
    compare (`boolean = character varying`: a 500), adds "%" to a number for a text
    column (TypeError: 500), and takes a list or an object anywhere."""
    if isinstance(value, list | dict):
        raise BadFilterValue()
    if datamodel.is_boolean(column):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise BadFilterValue()
    if datamodel.is_numeric(column):
        if isinstance(value, bool):
            raise BadFilterValue()
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise BadFilterValue() from None
        if not number.is_finite():
            raise BadFilterValue()
        return number
    if datamodel.is_string(column) or datamodel.is_text(column):
        return value if isinstance(value, str) else str(value)
    return value


def _checked_filter(base: type) -> type:
    """`base` (a FAB filter) with its value checked by `_scalar` first; "in" filters
    take a list (FAB iterated a single value: a number was a 500)."""

    def apply(self, query, value):
        if base.arg_name in _LIST_FILTERS:
            values = value if isinstance(value, list) else [value]
            value = [_scalar(self.datamodel, self.column_name, v) for v in values]
        else:
            value = _scalar(self.datamodel, self.column_name, value)
        return base.apply(self, query, value)

    return type(base.__name__, (base,), {"apply": apply, "__module__": __name__})


_NUMBER_FILTERS = [
    fab_filters.FilterEqual,
    fab_filters.FilterGreater,
    fab_filters.FilterSmaller,
    fab_filters.FilterNotEqual,
    fab_filters.FilterIn,
    fab_filters.FilterNotIn,
]
_TIME_FILTERS = [
    fab_filters.FilterEqual,
    fab_filters.FilterGreater,
    fab_filters.FilterSmaller,
    fab_filters.FilterNotEqual,
]


class FilterConverter(fab_filters.SQLAFilterConverter):
    """FAB's, with every filter's value checked against its column (`_scalar`);
    numeric columns get the number filters (FAB gave Numeric the same list, after
    booleans), and time-of-day columns (business hours), which FAB does not know."""

    conversion_table = tuple(
        (test, [_checked_filter(f) for f in filters])
        for test, filters in (
            ("is_numeric", _NUMBER_FILTERS),
            *fab_filters.SQLAFilterConverter.conversion_table,
            ("is_time", _TIME_FILTERS),
        )
    )


class AppInterface(SQLAInterface):
    eager_relations: tuple[str, ...] = ()
    filter_converter_class = FilterConverter

    def is_time(self, col_name: str) -> bool:
        column = self.list_columns.get(col_name)
        return column is not None and isinstance(getattr(column, "type", None), Time)

    def apply_all(
        self,
        query,
        filters=None,
        order_column="",
        order_direction="",
        page=None,
        page_size=None,
        select_columns=None,
        outer_default_load=False,
    ):
        query = super().apply_all(
            query,
            filters,
            order_column,
            order_direction,
            page,
            page_size,
            select_columns,
            outer_default_load,
        )
        if not select_columns and self.eager_relations:
            query = query.options(
                *(selectinload(getattr(self.obj, rel)) for rel in self.eager_relations)
            )
        return query

    def query(self, *args, **kwargs):
        # FAB turns a filter value of the wrong type into NULL, but passes a number
        # too large for the column on: PostgreSQL raises NumericValueOutOfRange
        # (DataError), SQLite's driver OverflowError. The client's value: a 400.
        # A relation filter's id of the wrong type or range: FAB rolls back and raises
        # ApplyFilterException, which its API answers with a 500.
        try:
            return super().query(*args, **kwargs)
        except (DataError, OverflowError, ApplyFilterException):
            self.session.rollback()
            raise BadFilterValue() from None

    def get(self, id, filters=None, select_columns=None, outer_default_load=False):
        # FAB passes the URL's `<pk>` as a string: PostgreSQL casts "2147483648" to
        # the int4 column and fails (DataError), SQLite overflows past 2**63. An id
        # the column cannot hold does not exist: None, so the API answers 404.
        try:
            return super().get(id, filters, select_columns, outer_default_load)
        except (DataError, OverflowError):
            self.session.rollback()
            return None

    def _write(self, op, item, commit: bool, deleting: bool = False) -> None:
        try:
            op(item)
            if commit:
                self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            raise integrity_error(exc, deleting=deleting) from None
        except (DataError, OverflowError):
            # Bad input, not a server fault: without this FAB's @safe answers 500.
            self.session.rollback()
            raise data_error() from None
        except SQLAlchemyError:
            self.session.rollback()
            raise

    def add(self, item, commit: bool = True) -> None:
        self._write(self.session.add, item, commit)

    def edit(self, item, commit: bool = True) -> None:
        self._write(self.session.merge, item, commit)

    def delete(self, item, commit: bool = True) -> None:
        self._write(self.session.delete, item, commit, deleting=True)
