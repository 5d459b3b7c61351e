"""The app under benchmark: a fresh Aftersales on a given database, its schema and a user."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import case, func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project, for `app` and `modules`

USER, PASSWORD = "bench", "Bench-pw-2026!"


def make_app(db_url: str):
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-secret-key-of-at-least-32-bytes",
            "SQLALCHEMY_DATABASE_URI": db_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "AUTH_RATE_LIMITED": False,
        }
    )


def login(app):
    client = app.test_client()
    r = client.post("/login/", data={"username": USER, "password": PASSWORD})
    assert r.status_code == 302, r.status_code
    return client


def init_schema(app) -> None:
    from app.cli import ensure_user, upgrade_schema, write_permissions
    from app.db import db

    with app.app_context():
        upgrade_schema()
        write_permissions()
        ensure_user(USER, "bench@example.com", "B", "B", PASSWORD, "Admin")
        db.session.commit()


def ledger_sum(session, part_id: int, wh_id: int):
    """The baseline: what available() would cost without the balance table."""
    from modules.inventory.models import StockMove

    signed = case(
        (StockMove.to_warehouse_id == wh_id, StockMove.quantity), else_=-StockMove.quantity
    )
    return session.scalar(
        select(func.coalesce(func.sum(signed), 0)).where(
            StockMove.part_id == part_id,
            (StockMove.to_warehouse_id == wh_id) | (StockMove.from_warehouse_id == wh_id),
        )
    )
