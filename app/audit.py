"""Audit log: every insert, update and delete of a model row, in the same transaction.

A model opts out with `__audit__ = False` (logs themselves, counters). FAB's own
`ab_*` tables are not audited (a login updates `ab_user` every time). Secret columns
(`__secret_columns__`, set from the policies' `Fields(seen_by=None)`) are masked when
the entry is written: the log says that a secret was set or changed, never its value.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import has_request_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import AuditLog

_cli_actor: contextvars.ContextVar[tuple[int | None, str] | None] = contextvars.ContextVar(
    "aftersales_actor", default=None
)


@contextmanager
def acting_as(user_id: int | None, username: str):
    """Attribute changes made outside a request (CLI, jobs) to someone."""
    token = _cli_actor.set((user_id, username))
    try:
        yield
    finally:
        _cli_actor.reset(token)


def current_actor() -> tuple[int | None, str]:
    actor = _cli_actor.get()
    if actor is not None:
        return actor
    if has_request_context():
        from flask import g
        from flask_login import current_user

        user = getattr(g, "user", None) or current_user
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id, user.username
        return None, "anonymous"
    return None, "system"


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _audited(obj) -> bool:
    cls = type(obj)
    return getattr(cls, "__audit__", True) and not cls.__module__.startswith("flask_appbuilder")


def _row_id(obj) -> str:
    # New rows have their primary key by now, though not yet their identity key.
    ident = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in ident)


MASK = "***"


def _column_changes(obj, only_changed: bool) -> dict:
    state = inspect(obj)
    secret = set(getattr(type(obj), "__secret_columns__", ()))
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if only_changed:
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if _plain(old) == _plain(new):
                continue
            if attr.key in secret:
                out[attr.key] = [None if old is None else MASK, None if new is None else MASK]
                continue
            out[attr.key] = [_plain(old), _plain(new)]
        else:
            if attr.key in state.unloaded:
                continue  # deferred and never read (a file's bytes): nothing to log
            value = getattr(obj, attr.key)
            if value is not None:
                out[attr.key] = MASK if attr.key in secret else _plain(value)
    return out


def _after_flush(session: Session, flush_context) -> None:
    rows = []
    user_id, username = current_actor()
    now = utcnow()
    for action, objs in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objs:
            if not _audited(obj):
                continue
            if action == "update":
                if not session.is_modified(obj, include_collections=False):
                    continue
                changes = _column_changes(obj, only_changed=True)
                if not changes:
                    continue
            else:
                changes = _column_changes(obj, only_changed=False)
            rows.append(
                {
                    "at": now,
                    "user_id": user_id,
                    "username": username,
                    "table_name": obj.__tablename__,
                    "row_id": _row_id(obj),
                    "action": action,
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(AuditLog.__table__.insert(), rows)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def history(session: Session, table_name: str, row_id) -> list[AuditLog]:
    return (
        session.query(AuditLog)
        .filter(AuditLog.table_name == table_name, AuditLog.row_id == str(row_id))
        .order_by(AuditLog.id)
        .all()
    )
