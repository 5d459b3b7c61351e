"""The claims' daily job (`flask aftersales daily`): systemic-defect detection over
the rolling window; an alert opens once per model and defect code."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from modules.claims.services.systemic import detect


def daily(session: Session, today: date) -> dict[str, int]:
    return {"systemic_alerts_opened": len(detect(session, today))}
