"""A claim's legal deadlines: the written answer, the fulfilment of the demand (with
its penalty), the complaint window, the substitute unit; counted in the claim's
jurisdiction and the working calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.deadlines import (
    DAYS,
    PRESETS,
    Deadline,
    Period,
    deadline,
    delay_penalty,
    installation_jurisdiction,
    register_code,
)
from app.workcal import installation_calendar
from modules.claims.models import (
    Claim,
    ExpertExamination,
)
from modules.warranty.models import LoanerLoan
from modules.warranty.services import warranty_status

ANSWER_CODE = "claim_answer"
register_code(ANSWER_CODE, _l("Written answer to the claim"))
for _j in ("RU", "BR"):
    PRESETS[_j].setdefault(ANSWER_CODE, Period(ANSWER_CODE, 10, DAYS, _l("Company policy")))

MONEY_DEMANDS = ("refund", "price_reduction", "reimbursement")


def jurisdiction_of(claim: Claim) -> str:
    return claim.jurisdiction or installation_jurisdiction()


# -- deadlines -----------------------------------------------------------------------------


@dataclass
class ClaimDeadline:
    kind: str  # answer / fulfilment / loaner / window
    deadline: Deadline
    done_on: date | None = None
    applies: bool = True
    penalty: Decimal | None = None
    suspended_days: int = 0
    claim_in_time: bool | None = None  # windows: the claim came in before the window closed

    def overdue(self, today: date) -> bool:
        if not self.applies or self.kind == "window":
            return False
        if self.done_on is not None:
            return self.done_on > self.deadline.due
        return self.deadline.overdue(today)

    def as_dict(self, today: date) -> dict:
        out = self.deadline.as_dict(today)
        out.update(
            kind=self.kind,
            applies=self.applies,
            done_on=self.done_on.isoformat() if self.done_on else None,
            overdue=self.overdue(today),
            suspended_days=self.suspended_days,
        )
        if self.done_on is not None or not self.applies:
            out["days_left"] = None
        if self.penalty is not None:
            out["penalty"] = str(self.penalty)
        if self.claim_in_time is not None:
            out["claim_in_time"] = self.claim_in_time
        return out


def fulfilment_code(session: Session, claim: Claim) -> str | None:
    """The period of what the consumer demands (RU art. 20-22 codes)."""
    demand = claim.demand
    if demand == "repair":
        return "repair"
    if demand == "replacement":
        if claim.out_of_stock:
            return "replacement_no_stock"
        if claim.quality_check or _has_examination(session, claim):
            return "replacement_check"
        return "replacement"
    if demand in MONEY_DEMANDS:
        return demand
    return None


def _has_examination(session: Session, claim: Claim) -> bool:
    if claim.id is None:
        return False
    return (
        session.execute(
            select(ExpertExamination.id).where(
                ExpertExamination.claim_id == claim.id, ExpertExamination.state != "cancelled"
            )
        ).first()
        is not None
    )


def _delivery_date(claim: Claim) -> date | None:
    unit = claim.unit
    if unit is None:
        return None
    return unit.handover_date or unit.sale_date


def claim_deadlines(
    session: Session, claim: Claim, today: date | None = None, calendar=None
) -> list[ClaimDeadline]:
    """Every legal deadline of a claim with its basis; see the module docstring."""
    today = today or date.today()
    j = jurisdiction_of(claim)
    calendar = calendar or installation_calendar(session)
    start = claim.received_on or today
    out: list[ClaimDeadline] = []

    dl = deadline(session, ANSWER_CODE, start, jurisdiction=j, calendar=calendar)
    if dl is not None:
        out.append(ClaimDeadline("answer", dl, done_on=claim.answered_on))

    code = fulfilment_code(session, claim)
    dl = None
    if code is not None:
        dl = deadline(session, code, start, jurisdiction=j, calendar=calendar)
        if dl is None:
            dl = deadline(session, "fix_period", start, jurisdiction=j, calendar=calendar)
    if dl is not None:
        applies = claim.state != "rejected" and claim.resolution != "none"
        done = claim.fulfilled_on
        penalty = None
        if applies and dl.period.penalty_pct_per_day is not None:
            penalty = delay_penalty(claim_price(claim), dl, done or today)
        out.append(ClaimDeadline("fulfilment", dl, done_on=done, applies=applies, penalty=penalty))

    if claim.loaner_requested_on is not None and claim.durable:
        dl = deadline(
            session, "loaner", claim.loaner_requested_on, jurisdiction=j, calendar=calendar
        )
        if dl is not None:
            out.append(ClaimDeadline("loaner", dl, done_on=_loaner_lent_on(session, claim)))

    window = _complaint_window(session, claim, j, today, calendar)
    if window is not None:
        out.append(window)
    return out


def _loaner_lent_on(session: Session, claim: Claim) -> date | None:
    if claim.repair_order_id is None:
        return None
    return session.execute(
        select(LoanerLoan.lent_on)
        .where(LoanerLoan.repair_id == claim.repair_order_id)
        .order_by(LoanerLoan.lent_on)
        .limit(1)
    ).scalar()


def _complaint_window(session, claim, j, today, calendar) -> ClaimDeadline | None:
    """BR: the 30/90-day complaint window, suspended while this claim awaits its answer.
    RU: the 2-year claim window from handover when the unit has no warranty running."""
    received = claim.received_on or today
    if claim.hidden_defect and claim.defect_noticed_on:
        start = claim.defect_noticed_on
    else:
        start = _delivery_date(claim)
    if start is None:
        return None
    code = "complaint_durable" if claim.durable else "complaint_nondurable"
    if j == "RU":
        if claim.unit_id is None or start > received:
            return None
        if warranty_status(session, claim.unit, received, jurisdiction=j).under_warranty:
            return None
        code = "claim_window"
    plain = deadline(session, code, start, jurisdiction=j, calendar=calendar)
    if plain is None:
        return None
    in_time = received <= plain.due
    suspended = 0
    if j == "BR" and in_time and start <= received:
        # art. 26 §2: the window stops from the documented complaint to the answer
        suspended = max(0, ((claim.answered_on or today) - received).days)
    dl = deadline(session, code, start, jurisdiction=j, suspended_days=suspended, calendar=calendar)
    if dl is None:  # the same period as `plain`: it exists
        return None
    return ClaimDeadline("window", dl, suspended_days=suspended, claim_in_time=in_time)


def claim_price(claim: Claim) -> Decimal | None:
    if claim.price is not None:
        return claim.price
    return claim.unit.price if claim.unit is not None else None


def fulfilment_deadline(session: Session, claim: Claim) -> ClaimDeadline | None:
    return next((d for d in claim_deadlines(session, claim) if d.kind == "fulfilment"), None)


def accrued_penalty(session: Session, claim: Claim, today: date | None = None) -> Decimal:
    found = next(
        (d for d in claim_deadlines(session, claim, today) if d.kind == "fulfilment"), None
    )
    return found.penalty if found is not None and found.penalty is not None else Decimal("0.00")


def refresh_due_date(session: Session, claim: Claim) -> None:
    found = fulfilment_deadline(session, claim)
    claim.due_date = found.deadline.due if found is not None and found.applies else None


def days_left(claim: Claim, today: date | None = None) -> int | None:
    """Days to the fulfilment deadline (negative: overdue); None once settled."""
    return claim.days_left_on(today or date.today())
