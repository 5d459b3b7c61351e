"""Consumer claims: registration, legal deadlines, the state machine, settlement.

Every due date comes from `app.deadlines` (periods are data per jurisdiction,
counted per each civil code, moved off non-working days of the installation's
calendar); nothing here types a deadline by hand.

Which period applies follows what the consumer demands:

- RU (Law 2300-1): repair 45 days (art. 20), replacement 7 days, 20 days when a
  quality check or an expert examination is needed, one month when out of stock
  (art. 21), refund / price reduction / reimbursement 10 days (art. 22); a
  substitute item within 3 days of its request (art. 20 §2); without a warranty
  period, the claim window of 2 years from handover (art. 19); delay penalty 1%
  of the price per day (art. 23);
- BR (CDC): 30 days to fix the defect (art. 18 §1), whatever the demand; the
  complaint window of 30 (non-durable) / 90 (durable) days from delivery, or
  from when a hidden defect shows (art. 26), suspended while the claim waits
  for an unequivocal answer (art. 26 §2).

A period the jurisdiction lacks falls back to its `fix_period`, and is not
shown when there is none. The written answer's deadline (`claim_answer`) is the
company's own (10 days by default, editable under Legal periods).
"""

from __future__ import annotations

from datetime import date

from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app import signals
from app.amounts import money
from app.db import utcnow
from app.deadlines import (
    JURISDICTIONS,
)
from app.errors import Conflict, DomainError
from app.insights import Condition, Context
from app.numbering import next_number
from app.rules import Archived
from app.statemachine import StateMachine, Transition
from modules.claims.models import (
    CHANNELS,
    CLAIM_STATES,
    DEMANDS,
    OPEN_CLAIM_STATES,
    RESOLUTIONS,
    Claim,
    ExpertExamination,
)
from modules.claims.services.deadlines import (  # noqa: F401 - re-exported
    ANSWER_CODE,
    MONEY_DEMANDS,
    ClaimDeadline,
    accrued_penalty,
    claim_deadlines,
    claim_price,
    days_left,
    fulfilment_code,
    fulfilment_deadline,
    jurisdiction_of,
    refresh_due_date,
)
from modules.partners.models import Partner
from modules.warranty.models import RepairOrder, Unit
from modules.warranty.services import open_repair, warranty_status

DECIDED = ("accepted", "partly_accepted", "rejected")

CLAIM_MACHINE = StateMachine(
    doc_type="clm_claim",
    states=CLAIM_STATES.labels,
    transitions=[
        Transition("start_review", ("new",), "under_review", _l("Start review")),
        Transition(
            "send_to_expert",
            ("new", "under_review"),
            "expert_examination",
            _l("Send to expert examination"),
        ),
        Transition("back_to_review", ("expert_examination",), "under_review", _l("Back to review")),
        Transition("accept", ("under_review", "expert_examination"), "accepted", _l("Accept")),
        Transition(
            "accept_partly",
            ("under_review", "expert_examination"),
            "partly_accepted",
            _l("Accept partly"),
        ),
        Transition("reject", ("under_review", "expert_examination"), "rejected", _l("Reject")),
        Transition("resolve", DECIDED, "resolved", _l("Mark resolved")),
        Transition("close", ("resolved",), "closed", _l("Close")),
    ],
    initial="new",
)


# -- registration --------------------------------------------------------------------------


# labels of the amounts a claim records (the screens' labels), named in messages
AMOUNT_LABELS = {
    "price": _l("Price of the item"),
    "compensation_amount": _l("Amount paid"),
    "penalty_paid": _l("Penalty paid"),
}


def check_claim(session: Session, claim: Claim, *, today: date | None = None) -> None:
    """Rules on a claim's fields (every door, on create and edit)."""
    today = today or date.today()
    claim.description = (claim.description or "").strip()
    if not claim.description:
        raise DomainError(_l("Describe what is wrong."), field="description")
    unit = _claim_unit(session, claim)
    _check_parties(claim, unit)
    _check_choices(claim)
    for f, label in AMOUNT_LABELS.items():
        value = getattr(claim, f)
        if value is not None:
            setattr(claim, f, money(value, f, label=label))
    _check_dates(claim, unit, today)


def _claim_unit(session: Session, claim: Claim) -> Unit | None:
    unit = claim.unit
    if unit is None and claim.unit_id is not None:
        unit = session.get(Unit, claim.unit_id)
        if unit is None:
            raise DomainError(_l("No such unit."), field="unit")
        claim.unit = unit
    return unit


def _check_parties(claim: Claim, unit: Unit | None) -> None:
    """The customer (the unit's owner when none is named); a unit sold to another
    customer only with the reason this one claims on it (on behalf of its owner)."""
    customer_id = claim.customer.id if claim.customer is not None else claim.customer_id
    if customer_id is None:
        if unit is None:
            raise DomainError(_l("Name the customer."), field="customer")
        # the relation, not the key: a form sets `customer` to None, which wins at flush
        claim.customer = unit.customer
        customer_id = unit.customer_id
    claim.on_behalf_reason = (claim.on_behalf_reason or "").strip() or None
    if unit is None:
        return
    claim.equipment_model_id = unit.equipment_model_id
    if unit.customer_id != customer_id and claim.on_behalf_reason is None:
        raise DomainError(
            _l(
                "This unit was sold to another customer: say why this customer claims "
                "on it (on behalf of its owner)."
            ),
            field="unit",
        )


def _check_choices(claim: Claim) -> None:
    claim.channel = claim.channel or "in_person"
    claim.demand = claim.demand or "repair"
    if claim.channel not in CHANNELS:
        raise DomainError(_l("Choose a channel."), field="channel")
    if claim.demand not in DEMANDS:
        raise DomainError(_l("Choose what the consumer demands."), field="demand")
    if claim.jurisdiction is not None and claim.jurisdiction not in JURISDICTIONS:
        raise DomainError(_l("Choose a jurisdiction."), field="jurisdiction")
    if claim.resolution is not None and claim.resolution not in RESOLUTIONS:
        raise DomainError(_l("Choose a resolution."), field="resolution")


def _check_dates(claim: Claim, unit: Unit | None, today: date) -> None:
    if claim.received_on is None:
        claim.received_on = today
    received = claim.received_on
    if received > today:
        raise DomainError(_l("A claim cannot be received in the future."), field="received_on")
    if unit is not None and received < unit.sale_date:
        raise DomainError(
            _l(
                "A claim cannot be received before the unit was sold (%(date)s).",
                date=unit.sale_date.isoformat(),
            ),
            field="received_on",
        )
    if claim.defect_noticed_on is not None and claim.defect_noticed_on > received:
        raise DomainError(
            _l("The defect cannot show after the claim was received."), field="defect_noticed_on"
        )
    if claim.loaner_requested_on is not None and claim.loaner_requested_on < received:
        raise DomainError(
            _l("A substitute item is requested on or after the claim."),
            field="loaner_requested_on",
        )
    if claim.answered_on is not None and claim.answered_on < received:
        raise DomainError(_l("The answer cannot precede the claim."), field="answered_on")
    for f in ("paid_on", "fulfilled_on"):
        value = getattr(claim, f)
        if value is not None and value < received:
            raise DomainError(_l("This date cannot precede the claim."), field=f)


def create_claim(session: Session, claim: Claim, *, today: date | None = None) -> Claim:
    """Check, number (CL-YYYY-NNNNN), take the durability of the model, compute the
    deadlines and record the initial state."""
    check_claim(session, claim, today=today)
    if claim.unit is not None and claim.unit.equipment_model is not None:
        claim.durable = bool(claim.unit.equipment_model.durable)
    if claim.price is None and claim.unit is not None:
        claim.price = claim.unit.price
    claim.number = next_number(session, "CL", claim.received_on)
    session.add(claim)
    CLAIM_MACHINE.start(session, claim)
    refresh_due_date(session, claim)
    session.flush()
    return claim


def register_claim(
    session: Session,
    description: str,
    *,
    customer_id: int | None = None,
    unit_id: int | None = None,
    demand: str = "repair",
    channel: str = "in_person",
    received_on: date | None = None,
    today: date | None = None,
    **fields,
) -> Claim:
    claim = Claim(
        description=description,
        customer_id=customer_id,
        unit_id=unit_id,
        demand=demand,
        channel=channel,
        received_on=received_on,
        **fields,
    )
    if customer_id is not None and session.get(Partner, customer_id) is None:
        raise DomainError(_l("No such customer."), field="customer")
    return create_claim(session, claim, today=today)


def update_claim(session: Session, claim: Claim) -> None:
    if claim.state == "closed":
        raise Conflict(_l("A closed claim cannot be changed."))
    check_claim(session, claim)
    refresh_due_date(session, claim)


# -- the life of a claim -------------------------------------------------------------------


def transition(
    session: Session,
    claim: Claim,
    action: str,
    comment: str | None = None,
    *,
    today: date | None = None,
) -> Claim:
    """Move a claim along its life with each step's rules; the only way to change state."""
    today = today or date.today()
    t = CLAIM_MACHINE.transition(action)
    if claim.state not in t.sources:
        CLAIM_MACHINE.apply(session, claim, action, comment)  # raises the 409
    if action == "send_to_expert" and not _pending_exam(session, claim):
        raise Conflict(
            _l("Record the expert examination (organisation, questions) to send the item.")
        )
    if action == "back_to_review" and _pending_exam(session, claim):
        raise Conflict(_l("An examination is still pending: record its conclusion or cancel it."))
    if t.target in DECIDED:
        if claim.state == "expert_examination" and _pending_exam(session, claim):
            raise Conflict(
                _l("The expert examination has not concluded yet: record its conclusion first.")
            )
        if not (claim.answer or "").strip():
            answer = (comment or "").strip()
            if not answer:
                raise DomainError(
                    _l("Give the written answer to the consumer (as the comment)."),
                    field="comment",
                )
            claim.answer = answer
        claim.answered_on = claim.answered_on or today
    if action == "resolve":
        _check_resolution(session, claim, today)
    CLAIM_MACHINE.apply(session, claim, action, comment)
    if action == "close":
        claim.closed_at = utcnow()
        session.flush()
        due = claim.due_date
        on_time = due is None or claim.fulfilled_on is None or claim.fulfilled_on <= due
        signals.claim_closed.send(
            "claims",
            session=session,
            claim_id=claim.id,
            officer_user_id=claim.officer_id,
            opened_at=claim.created_at,
            closed_at=claim.closed_at,
            on_time=on_time,
        )
        from modules.claims.services.satisfaction import request_for_claim

        request_for_claim(session, claim)
    refresh_due_date(session, claim)
    session.flush()
    return claim


def _pending_exam(session: Session, claim: Claim) -> ExpertExamination | None:
    return session.execute(
        select(ExpertExamination).where(
            ExpertExamination.claim_id == claim.id, ExpertExamination.state == "sent"
        )
    ).scalar()


def _check_resolution(session: Session, claim: Claim, today: date) -> None:
    if claim.state == "rejected":
        claim.resolution = claim.resolution or "none"
        return
    resolution = claim.resolution
    if resolution is None:
        raise DomainError(
            _l("Record how the claim was settled (repair, replacement, refund...)."),
            field="resolution",
        )
    if resolution in MONEY_DEMANDS:
        if not claim.compensation_amount:
            raise DomainError(_l("Record the amount paid."), field="compensation_amount")
        claim.paid_on = claim.paid_on or today
        claim.fulfilled_on = claim.fulfilled_on or claim.paid_on
    elif resolution == "replacement":
        if not claim.replacement_serial:
            raise DomainError(
                _l("Record the serial number of the replacement."), field="replacement_serial"
            )
    elif resolution == "repair":
        repair = claim.repair_order
        if repair is None:
            raise DomainError(_l("Start the repair from the claim first."), field="repair_order")
        if repair.state != "returned":
            raise Conflict(_l("The repair order is not finished yet."))
        claim.fulfilled_on = claim.fulfilled_on or repair.returned_on or today
    claim.fulfilled_on = claim.fulfilled_on or today


def settle(
    session: Session,
    claim: Claim,
    resolution: str,
    *,
    amount=None,
    paid_on: date | None = None,
    replacement_serial: str | None = None,
) -> Claim:
    """Record how an accepted claim is settled: a replacement, a refund, a price
    reduction or a reimbursement (a repair goes through `start_repair`)."""
    if claim.state not in ("accepted", "partly_accepted"):
        raise Conflict(_l("Only an accepted claim is settled."))
    if resolution not in RESOLUTIONS or resolution in ("none", "repair"):
        raise DomainError(
            _l("Choose a replacement, refund, price reduction or reimbursement."),
            field="resolution",
        )
    claim.resolution = resolution
    if resolution == "replacement":
        serial = (replacement_serial or "").strip()
        if not serial or len(serial) > 64:
            raise DomainError(
                _l("Record the serial number of the replacement."), field="replacement_serial"
            )
        claim.replacement_serial = serial
        claim.fulfilled_on = paid_on or date.today()
    else:
        claim.compensation_amount = money(
            amount, "amount", label=AMOUNT_LABELS["compensation_amount"], positive=True
        )
        claim.paid_on = paid_on or date.today()
        if claim.paid_on < claim.received_on:
            raise DomainError(_l("This date cannot precede the claim."), field="paid_on")
        claim.fulfilled_on = claim.paid_on
    session.flush()
    return claim


def start_repair(
    session: Session,
    claim: Claim,
    *,
    technician_id: int | None = None,
    intake_date: date | None = None,
) -> RepairOrder:
    """Open a repair order for the claim's unit (origin "claim:<id>")."""
    if claim.state not in ("new", "under_review", "accepted", "partly_accepted"):
        raise Conflict(_l("A repair is started from an open claim under review or accepted."))
    if claim.unit_id is None:
        raise DomainError(_l("The claim names no unit to repair."), field="unit")
    if claim.repair_order_id is not None:
        raise Conflict(_l("This claim already has a repair order."))
    if technician_id is not None and session.get(User, technician_id) is None:
        raise DomainError(_l("The referenced record does not exist."), field="technician_id")
    repair = open_repair(
        session,
        claim.unit_id,
        claim.description,
        intake_date=intake_date or date.today(),
        technician_id=technician_id,
        customer_id=claim.customer_id,
        origin=f"claim:{claim.id}",
    )
    claim.repair_order = repair
    claim.repair_order_id = repair.id
    claim.resolution = claim.resolution or "repair"
    session.flush()
    return repair


def unit_warranty(session: Session, claim: Claim) -> dict | None:
    """The unit's warranty status on the day the claim came in (with any void)."""
    if claim.unit_id is None:
        return None
    ws = warranty_status(
        session, claim.unit_id, claim.received_on, jurisdiction=jurisdiction_of(claim)
    )
    return ws.as_dict()


class ClaimRules(Archived):
    """A consumer claim at every door: its fields' rules (the unit the customer's, or a
    reason to claim on another's; not before the sale), numbered with its deadlines
    when registered, its officer the user who registers it unless another is named,
    never deleted (closed), moved along its life by `transition`."""

    state_machine = CLAIM_MACHINE
    not_deleted_message = _l("Claims are not deleted: they are closed.")

    def create(self, session, item, actor) -> None:
        if item.officer is None and item.officer_id is None and actor.user_id is not None:
            # the relation, not the key: a form sets `officer` to None, which wins at flush
            item.officer = session.get(User, actor.user_id)
        create_claim(session, item)

    def update(self, session, item, actor) -> None:
        update_claim(session, item)

    def transition(self, session, item, action, comment, actor) -> None:
        transition(session, item, action, comment)


# ------------------------------------------------------------------ the rows figures count
# One definition each, asked by the dashboard's figures and by the claim list's quick
# filters (`?quick=overdue`), so a figure and the list behind it cannot drift apart.


def claim_open(ctx: Context):
    """Claims neither closed nor cancelled."""
    return Claim.state.in_(OPEN_CLAIM_STATES)


def claim_overdue(ctx: Context):
    """Open claims not yet fulfilled whose legal deadline was before today."""
    return and_(claim_open(ctx), Claim.due_date < ctx.today, Claim.fulfilled_on.is_(None))


def claim_mine(ctx: Context):
    """Claims the reader handles, or a colleague whose work he holds today."""
    return Claim.officer_id.in_(ctx.acting_for or (-1,))


QUICK_FILTERS: dict[str, Condition] = {
    "mine": claim_mine,
    "open": claim_open,
    "overdue": claim_overdue,
}
