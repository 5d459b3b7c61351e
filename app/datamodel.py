"""FAB's SQLAlchemy interface with the defaults that keep pages fast and errors clear.

- Relations shown in a list are loaded with `selectinload` (one statement per
  relation, whatever the page size) instead of one lazy load per row.
- A value the database cannot store (out-of-range number, NUL in text) becomes
  a 422 `DomainError` too.
- A database integrity error becomes a `DomainError` with a message a user can
  read (which value is taken, which record is missing or still referenced),
  never raw SQL and never a 500.
"""

from __future__ import annotations

import re

from flask_appbuilder.models.sqla import filters as fab_filters
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import Time
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import selectinload

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


class FilterConverter(fab_filters.SQLAFilterConverter):
    """FAB's, plus time-of-day columns (business hours), which it does not know."""

    conversion_table = (
        *fab_filters.SQLAFilterConverter.conversion_table,
        (
            "is_time",
            [
                fab_filters.FilterEqual,
                fab_filters.FilterGreater,
                fab_filters.FilterSmaller,
                fab_filters.FilterNotEqual,
            ],
        ),
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
