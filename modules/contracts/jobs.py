"""The contracts' daily job (`flask aftersales daily`): contracts entering their
notice period become expiring, ended ones renew (auto-renewal) or expire."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from modules.contracts.services.life import review_contracts


def daily(session: Session, today: date) -> dict[str, int]:
    return review_contracts(session, today)
