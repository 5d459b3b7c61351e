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

__all__ = [
    "db",
    "Money",
    "Quantity",
    "ZERO",
    "UTCDateTime",
    "utcnow",
    "utc_day_start",
    "write_lock",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc_day_start(day: date) -> datetime:
    """Midnight UTC at the start of `day`: the bound to compare a timestamp column with."""
    return datetime.combine(day, time.min, UTC)


# ------------------------------------------------------------------ SQLite transactions
#
# SQLite locks the whole database, not rows: `SELECT ... FOR UPDATE` means nothing
# to it. What keeps a check-then-write right there (the stock left before an issue,
# the state of a document before a step, the quantity already returned) is that a
# writing transaction holds the write lock from its first statement: BEGIN IMMEDIATE.
# Writers then queue, one after the other (each waits up to BUSY_TIMEOUT_MS for the
# one before), and each reads what the previous one committed.
#
# By default the driver (pysqlite) starts a transaction only before an INSERT,
# UPDATE or DELETE, so the SELECTs of a check ran outside it on whatever was
# committed at that moment, and twenty parallel issues of one part from a balance
# of five were all accepted. SQLAlchemy's recipe for pysqlite: the driver starts
# nothing (isolation_level None) and SQLAlchemy's "begin" emits our BEGIN.
#
# Requests that only read (GET, HEAD, OPTIONS) begin DEFERRED: in WAL mode they read
# a snapshot without waiting for writers and without making writers wait, so lists,
# pages and streamed exports are not serialised behind the writers. A GET that does
# write (a notice marked read when opened) calls `write_lock(session)` first; without
# it, its write may find another writer's newer commit and fail ("database is
# locked"). Everything else (POST, PUT, DELETE, the CLI, jobs, tests) begins
# IMMEDIATE. PostgreSQL is left alone: its row locks do this per row.

BUSY_TIMEOUT_MS = 30000
_READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _is_pysqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Foreign keys on, WAL, a busy timeout, and no transaction begun by the driver
    (see above); other backends are left alone."""
    if not _is_pysqlite(dbapi_connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _reading_request() -> bool:
    from flask import g, has_request_context, request

    if not has_request_context():
        return False
    return request.method in _READING_METHODS and not g.get("_db_write_lock", False)


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name != "sqlite" or conn.dialect.driver != "pysqlite":
        return
    if conn._is_autocommit_isolation():  # asked for no transaction at all
        return
    conn.exec_driver_sql("BEGIN" if _reading_request() else "BEGIN IMMEDIATE")


def write_lock(session) -> None:
    """In a request that reads by method (GET) but writes: from here on, hold the write
    lock. On SQLite the (read) transaction so far is committed and the next statement
    begins IMMEDIATE, reading afresh; elsewhere nothing changes. Call it before the
    request's first change."""
    from flask import g, has_request_context

    if has_request_context():
        g._db_write_lock = True
    if session.get_bind().dialect.name == "sqlite" and session.in_transaction():
        session.commit()
