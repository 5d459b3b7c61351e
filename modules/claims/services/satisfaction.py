"""Customer satisfaction: a single-use link per closed claim or completed repair.

A request is created when a claim closes (claims) or a repair completes (the
warranty module's `repair_completed` signal). The customer opens
`/satisfaction/<token>` (no login), gives a score of 1 to 5 and a comment once.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import signals
from app.csvio import period_bounds
from app.db import utcnow
from app.errors import Conflict, DomainError, NotFound
from modules.claims.models import Claim, SatisfactionRequest
from modules.warranty.models import RepairOrder

MAX_COMMENT = 2000


def new_token() -> str:
    return secrets.token_urlsafe(32)


def request_for_claim(session: Session, claim: Claim) -> SatisfactionRequest:
    found = session.execute(
        select(SatisfactionRequest).where(SatisfactionRequest.claim_id == claim.id)
    ).scalar()
    if found is not None:
        return found
    row = SatisfactionRequest(
        token=new_token(),
        subject_type="claim",
        claim_id=claim.id,
        customer_id=claim.customer_id,
        equipment_model_id=claim.equipment_model_id,
        employee_user_id=claim.officer_id,
    )
    session.add(row)
    session.flush()
    return row


def request_for_repair(session: Session, repair_id: int, technician_user_id=None):
    found = session.execute(
        select(SatisfactionRequest).where(SatisfactionRequest.repair_order_id == repair_id)
    ).scalar()
    if found is not None:
        return found
    repair = session.get(RepairOrder, repair_id)
    if repair is None:
        return None
    row = SatisfactionRequest(
        token=new_token(),
        subject_type="repair",
        repair_order_id=repair.id,
        customer_id=repair.customer_id,
        equipment_model_id=repair.unit.equipment_model_id if repair.unit else None,
        employee_user_id=technician_user_id or repair.technician_id,
    )
    session.add(row)
    session.flush()
    return row


def by_token(session: Session, token) -> SatisfactionRequest:
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        raise NotFound(_l("This link is not valid."))
    row = session.execute(
        select(SatisfactionRequest).where(SatisfactionRequest.token == token)
    ).scalar()
    if row is None:
        raise NotFound(_l("This link is not valid."))
    return row


SCORES = ("1", "2", "3", "4", "5")


def parse_score(value) -> int:
    """1 to 5, as a number or as its ASCII digit (surrounding blanks aside).

    `str.isdigit()` also says yes to "²" (int() then fails: a 500) and to "١"
    (int() reads 1), and a 5,000-digit string exceeds int()'s limit."""
    if isinstance(value, str):
        value = int(value.strip()) if value.strip() in SCORES else None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise DomainError(_l("Choose a score from 1 to 5."), field="score")
    return value


def answer(session: Session, token, score, comment=None) -> SatisfactionRequest:
    """Record the customer's answer once; a second answer changes nothing (409).

    The link is taken by a conditional UPDATE (`... WHERE answered_at IS NULL`): of
    simultaneous answers the database lets one through (PostgreSQL's row lock, SQLite's
    write lock), and the others find the survey answered."""
    row = by_token(session, token)
    if row.answered_at is not None:
        raise Conflict(_l("Thank you: this survey has already been answered."))
    value = parse_score(score)
    if comment is not None and not isinstance(comment, str):
        raise DomainError(_l("Not a valid string."), field="comment")
    comment = (comment or "").strip() or None
    if comment is not None and (len(comment) > MAX_COMMENT or "\x00" in comment):
        raise DomainError(_l("The comment is too long."), field="comment")
    now = utcnow()
    taken = session.execute(
        update(SatisfactionRequest)
        .where(SatisfactionRequest.id == row.id, SatisfactionRequest.answered_at.is_(None))
        .values(answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_l("Thank you: this survey has already been answered."))
    # the answer itself through the ORM, so the audit log records it
    row.score, row.comment, row.answered_at = value, comment, now
    session.flush()
    signals.satisfaction_recorded.send(
        "claims",
        session=session,
        score=value,
        subject_type=row.subject_type,
        subject_id=row.claim_id or row.repair_order_id,
        employee_user_id=row.employee_user_id,
    )
    return row


def scores(
    session: Session,
    by: str,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[dict]:
    """Average score and count per equipment model, technician/officer or month."""
    from flask_appbuilder.security.sqla.models import User

    from modules.inventory.models import EquipmentModel

    if by not in ("model", "employee", "month"):
        raise DomainError(_l("Group by model, employee or month."), field="by", status=400)
    q = (
        select(
            SatisfactionRequest.score,
            SatisfactionRequest.answered_at,
            EquipmentModel.id,
            EquipmentModel.code,
            EquipmentModel.name,
            User.id,
            User.username,
        )
        .outerjoin(EquipmentModel, EquipmentModel.id == SatisfactionRequest.equipment_model_id)
        .outerjoin(User, User.id == SatisfactionRequest.employee_user_id)
        .where(SatisfactionRequest.answered_at.is_not(None))
    )
    lower, upper = period_bounds(SatisfactionRequest.answered_at, date_from, date_to)
    if lower is not None:
        q = q.where(SatisfactionRequest.answered_at >= lower)
    if upper is not None:
        q = q.where(SatisfactionRequest.answered_at < upper)
    groups: dict = defaultdict(list)
    labels: dict = {}
    for score, at, m_id, m_code, m_name, u_id, username in session.execute(q):
        if by == "model":
            key, label = m_id, f"{m_code} {m_name}" if m_id else "—"
        elif by == "employee":
            key, label = u_id, username or "—"
        else:
            key = label = at.strftime("%Y-%m")
        groups[key].append(score)
        labels[key] = label
    rows = [
        {
            "key": key,
            "label": labels[key],
            "answers": len(values),
            "average": round(sum(values) / len(values), 2),
        }
        for key, values in groups.items()
    ]
    rows.sort(key=lambda r: str(r["label"]))
    return rows
