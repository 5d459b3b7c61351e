"""Gap-free yearly document numbers per document type: RO-2026-00001.

The counter row is incremented with one UPDATE in the caller's transaction, so
the row stays locked until that transaction ends: concurrent writers on
PostgreSQL queue behind each other, and a rolled-back document gives its number
back. No number is skipped and none is handed out twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import DocumentSequence

_T = DocumentSequence.__table__


def _ensure_row(session: Session, doc_type: str, year: int) -> None:
    dialect = session.get_bind().dialect.name
    values = {"doc_type": doc_type, "year": year, "last_value": 0}
    stmt: Any
    if dialect == "postgresql":
        stmt = postgresql.insert(_T).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(_T).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - other backends are not supported
        raise RuntimeError(f"numbering does not support {dialect}")
    session.execute(stmt)


def next_value(session: Session, doc_type: str, year: int) -> int:
    stmt = (
        update(_T)
        .where(_T.c.doc_type == doc_type, _T.c.year == year)
        .values(last_value=_T.c.last_value + 1)
        .returning(_T.c.last_value)
    )
    value = session.execute(stmt).scalar()
    if value is None:
        _ensure_row(session, doc_type, year)
        value = session.execute(stmt).scalar_one()
    return value


def next_number(session: Session, doc_type: str, on: date | None = None, width: int = 5) -> str:
    """The next number of `doc_type` (its prefix, e.g. "RO") for the year of `on`."""
    year = (on or date.today()).year
    return f"{doc_type}-{year}-{next_value(session, doc_type, year):0{width}d}"
