"""The database object and the column types every module shares."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from flask_appbuilder import Model
from flask_appbuilder.utils.legacy import get_sqla_class
from sqlalchemy import Numeric, event
from sqlalchemy.engine import Engine

from app.coltypes import UTCDateTime

db = get_sqla_class()(model_class=Model)

Money = Numeric(14, 2, asdecimal=True)
Quantity = Numeric(14, 3, asdecimal=True)
ZERO = Decimal("0")

__all__ = ["db", "Money", "Quantity", "ZERO", "UTCDateTime", "utcnow", "utc_day_start"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc_day_start(day: date) -> datetime:
    """Midnight UTC at the start of `day`: the bound to compare a timestamp column with."""
    return datetime.combine(day, time.min, UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Foreign keys on and WAL for SQLite; other backends are left alone."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
