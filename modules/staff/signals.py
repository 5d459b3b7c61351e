"""Staff KPIs learn about other modules' events through app.signals (never imports)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from app import signals
from app.security import register_delegation
from modules.staff.models import KpiEvent
from modules.staff.services import acting_for


def _hours(opened: datetime | None, closed: datetime | None) -> Decimal | None:
    if not isinstance(opened, datetime) or not isinstance(closed, datetime):
        return None
    return Decimal(str(round((closed - opened).total_seconds() / 3600, 3)))


def on_repair_completed(sender, session=None, **kw):
    if session is None:
        return
    session.add(
        KpiEvent(
            kind="repair_completed",
            user_id=kw.get("technician_user_id"),
            ref_type="repair",
            ref_id=str(kw.get("repair_id")),
            opened_at=kw.get("opened_at"),
            closed_at=kw.get("closed_at"),
            on_time=kw.get("on_time"),
            hours=_hours(kw.get("opened_at"), kw.get("closed_at")),
        )
    )


def on_claim_closed(sender, session=None, **kw):
    if session is None:
        return
    session.add(
        KpiEvent(
            kind="claim_closed",
            user_id=kw.get("officer_user_id"),
            ref_type="claim",
            ref_id=str(kw.get("claim_id")),
            opened_at=kw.get("opened_at"),
            closed_at=kw.get("closed_at"),
            on_time=kw.get("on_time"),
            hours=_hours(kw.get("opened_at"), kw.get("closed_at")),
        )
    )


def on_satisfaction(sender, session=None, **kw):
    score = kw.get("score")
    if session is None or not isinstance(score, int) or not 1 <= score <= 5:
        return
    session.add(
        KpiEvent(
            kind="satisfaction",
            user_id=kw.get("employee_user_id"),
            ref_type=kw.get("subject_type"),
            ref_id=str(kw.get("subject_id")),
            score=score,
        )
    )


def connect() -> None:
    """Connect the handlers (blinker keeps one connection per receiver: idempotent)."""
    register_delegation(acting_for)  # a deputy holds the absent colleague's roles
    signals.repair_completed.connect(on_repair_completed)
    signals.claim_closed.connect(on_claim_closed)
    signals.satisfaction_recorded.connect(on_satisfaction)
