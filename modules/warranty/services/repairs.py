"""Repair orders: intake, billing decision, the quote the customer approves, the state
machine, and the legal repair deadline; their rules (`RepairRules`). Lines are in
`lines.py`, quality control in `inspections.py`.

The approved quote binds a paid repair: what is charged (the total of its lines) may
exceed the amount the customer approved by the installation's tolerance
(`QUOTE_TOLERANCE_PCT`, 0 by default) and no more. Beyond it the repair is neither
marked ready nor returned; a new quote (from diagnosis, approved, waiting for parts or
in repair) goes back to the customer, and his approval of it unblocks the repair.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from app import signals
from app.db import utcnow
from app.deadlines import Deadline, deadline
from app.errors import Conflict, DomainError
from app.insights import Condition, Context
from app.numbering import next_number
from app.rules import Archived
from app.statemachine import StateMachine, Transition
from modules.warranty.hooks import coverage_for
from modules.warranty.models import (
    BILLING_TYPES,
    CLOSED_STATES,
    OPEN_STATES,
    REPAIR_STATES,
    REPAIR_TYPES,
    LoanerLoan,
    RepairOrder,
)
from modules.warranty.services.access import check_technician
from modules.warranty.services.lines import (
    EDITABLE_STATES,
    consume_parts,
    release_parts,
    retry_reservations,
)
from modules.warranty.services.status import get_unit, warranty_status

__all__ = ["EDITABLE_STATES", "REPAIR_MACHINE", "RepairRules"]

log = logging.getLogger(__name__)
# the repair's free texts, kept without surrounding blanks (blank: none)
TEXTS = ("reported_defect", "condition", "accessories", "diagnosis", "work_done", "notes")
# a new quote may go to the customer until the unit is handed back (from "ready": a
# repair finished before the quote bound it, whose total is above the approved one)
REQUOTE_STATES = ("diagnosing", "approved", "waiting_parts", "in_repair", "ready")

REPAIR_MACHINE = StateMachine(
    doc_type="wty_repair_order",
    states=REPAIR_STATES.labels,
    transitions=[
        Transition("receive", ("draft",), "received", _l("Receive")),
        Transition("diagnose", ("received",), "diagnosing", _l("Start diagnosis")),
        Transition("send_quote", REQUOTE_STATES, "quote_sent", _l("Send quote")),
        Transition("approve", ("quote_sent",), "approved", _l("Customer approved")),
        Transition("refuse", ("quote_sent",), "refused", _l("Customer refused")),
        Transition(
            "wait_parts",
            ("diagnosing", "approved", "in_repair"),
            "waiting_parts",
            _l("Wait for parts"),
        ),
        Transition(
            "start_repair",
            ("diagnosing", "approved", "waiting_parts"),
            "in_repair",
            _l("Start repair"),
        ),
        Transition("mark_ready", ("in_repair",), "ready", _l("Mark ready")),
        Transition("return_unit", ("ready", "refused"), "returned", _l("Return to customer")),
        Transition(
            "cancel",
            (
                "draft",
                "received",
                "diagnosing",
                "quote_sent",
                "approved",
                "refused",
                "waiting_parts",
                "in_repair",
            ),
            "cancelled",
            _l("Cancel"),
            needs_comment=True,
        ),
    ],
    initial="draft",
)


# -- intake -------------------------------------------------------------------------------


def repair_deadline(session: Session, repair: RepairOrder) -> Deadline | None:
    """The legal repair deadline of the installation's jurisdiction, from the intake."""
    if repair.intake_date is None:
        return None
    return deadline(session, "repair", repair.intake_date)


def days_left(repair: RepairOrder, today: date | None = None) -> int | None:
    """Days to the legal deadline (negative: overdue); None once closed or without one."""
    return repair.days_left_on(today or date.today())


def check_repair(session: Session, repair: RepairOrder) -> None:
    """Rules on the intake fields (for the UI/API create and edit)."""
    for name in TEXTS:  # the same text whichever door wrote it
        value = getattr(repair, name)
        if isinstance(value, str):
            setattr(repair, name, value.strip() or None)
    if not repair.reported_defect:
        raise DomainError(_l("Describe the reported defect."), field="reported_defect")
    if repair.repair_type and repair.repair_type not in REPAIR_TYPES:
        raise DomainError(_l("Not a valid choice."), field="repair_type")
    if repair.intake_date and repair.intake_date > date.today():
        raise DomainError(_l("The intake date cannot be in the future."), field="intake_date")
    unit = repair.unit or (get_unit(session, repair.unit_id) if repair.unit_id else None)
    if unit is None:
        raise DomainError(_l("Choose the unit."), field="unit")
    if repair.intake_date and repair.intake_date < unit.sale_date:
        raise DomainError(_l("The intake cannot be before the sale."), field="intake_date")
    if repair.quote_amount is not None and repair.quote_amount < 0:
        raise DomainError(_l("Give an amount of zero or more."), field="quote_amount")


def check_customer(session: Session, repair: RepairOrder) -> None:
    """A new repair's customer is its unit's owner (taken from the unit when none is
    named); another customer only for a repair opened from a claim, whose claimant may
    claim on behalf of the owner (the claim's rules ask why)."""
    unit = repair.unit or get_unit(session, repair.unit_id)
    customer_id = repair.customer.id if repair.customer is not None else repair.customer_id
    if customer_id is None:
        # the relation, not the key: a form sets `customer` to None, which wins at flush
        repair.customer = unit.customer
        return
    if customer_id != unit.customer_id and not (repair.origin or "").startswith("claim:"):
        raise DomainError(
            _l(
                "This unit was sold to another customer: choose its owner, "
                "or leave the customer empty."
            ),
            field="customer",
        )


def open_repair(
    session: Session,
    unit_id: int,
    reported_defect: str,
    *,
    intake_date: date | None = None,
    condition: str | None = None,
    accessories: str | None = None,
    technician_id: int | None = None,
    warehouse_id: int | None = None,
    repair_type: str = "workshop",
    customer_id: int | None = None,
    notes: str | None = None,
    origin: str | None = None,
    receive: bool = False,
) -> RepairOrder:
    """Open a repair order for a unit (draft, numbered RO-YYYY-NNNNN), with its billing
    type decided and its legal deadline; `receive=True` also takes the unit in.
    `origin` says where it came from, e.g. "claim:12"."""
    unit = get_unit(session, unit_id)
    repair = RepairOrder(
        unit=unit,
        unit_id=unit.id,
        customer_id=customer_id or unit.customer_id,
        reported_defect=(reported_defect or "").strip(),
        intake_date=intake_date or date.today(),
        condition=condition,
        accessories=accessories,
        technician_id=technician_id,
        warehouse_id=warehouse_id,
        repair_type=repair_type or "workshop",
        notes=notes,
        origin=(origin or "").strip() or None,
    )
    return create_repair(session, repair, receive=receive)


def create_repair(session: Session, repair: RepairOrder, *, receive: bool = False) -> RepairOrder:
    """Number, decide billing, compute the deadline, record the initial state."""
    if repair.state and repair.state != REPAIR_MACHINE.initial:
        raise DomainError(_l("A new repair order starts as a draft."), field="state")
    repair.intake_date = repair.intake_date or date.today()
    repair.repair_type = repair.repair_type or "workshop"
    check_repair(session, repair)
    check_customer(session, repair)
    repair.number = next_number(session, "RO", repair.intake_date)
    dl = repair_deadline(session, repair)
    repair.due_date = dl.due if dl else None
    session.add(repair)
    decide_billing(session, repair)
    REPAIR_MACHINE.start(session, repair)
    if receive:
        transition(session, repair, "receive")
    session.flush()
    return repair


def update_intake(session: Session, repair: RepairOrder) -> None:
    """After an edit of the intake fields: check them, refresh deadline and billing."""
    check_repair(session, repair)
    dl = repair_deadline(session, repair)
    repair.due_date = dl.due if dl else None
    if repair.state in ("draft", "received", "diagnosing") and not repair.billing_overridden:
        decide_billing(session, repair)


# -- billing ------------------------------------------------------------------------------


def decide_billing(session: Session, repair: RepairOrder, on: date | None = None) -> str:
    """Warranty when the unit is under statutory/manufacturer/extended warranty (and not
    voided), else contract when a coverage provider covers it, else paid."""
    on = on or repair.intake_date or date.today()
    ws = warranty_status(session, repair.unit, on, exclude_repair_id=repair.id)
    repair.warranty_status = ws.status
    repair.warranty_end = ws.end
    repair.billing_overridden = False
    repair.billing_reason = None
    repair.coverage_source = repair.coverage_ref_id = repair.coverage_label = None
    if ws.under_warranty:
        repair.billing_type = "warranty"
        repair.coverage_source = ws.status  # the label is shown translated, from the status
        repair.covers_parts = bool(ws.covers.get("parts", True))
        repair.covers_labour = bool(ws.covers.get("labour", True))
        repair.covers_transport = bool(ws.covers.get("transport", False))
        return repair.billing_type
    cov = coverage_for(session, repair.unit.id, on)
    if cov is not None:
        repair.billing_type = "contract"
        repair.coverage_source = cov.source[:32]
        repair.coverage_ref_id = cov.ref_id
        repair.coverage_label = (cov.label or "")[:200]
        repair.covers_parts = cov.covers_parts
        repair.covers_labour = cov.covers_labour
        repair.covers_transport = cov.covers_transport
        return repair.billing_type
    repair.billing_type = "paid"
    repair.covers_parts = repair.covers_labour = repair.covers_transport = False
    return repair.billing_type


def override_billing(
    session: Session, repair: RepairOrder, billing_type: str, reason: str
) -> RepairOrder:
    """The service manager sets the billing type by hand, with a reason (audited)."""
    if billing_type not in BILLING_TYPES:
        raise DomainError(_l("Not a valid choice."), field="billing_type")
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the change."), field="reason")
    if repair.state == "ready" or repair.state in CLOSED_STATES:
        raise DomainError(_l("The billing of a finished repair cannot change."), status=409)
    repair.billing_type = billing_type
    repair.billing_overridden = True
    repair.billing_reason = reason.strip()
    full = billing_type != "paid"
    if billing_type != "contract" or repair.coverage_source is None:
        repair.covers_parts = repair.covers_labour = full
        repair.covers_transport = full and repair.covers_transport
    session.flush()
    return repair


def who_pays(repair: RepairOrder) -> str:
    """customer (paid), company (warranty), or the covering source (contract)."""
    if repair.billing_type == "paid":
        return "customer"
    if repair.billing_type == "contract":
        return repair.coverage_source or "contract"
    return "company"


# -- transitions --------------------------------------------------------------------------


def loaner_out(session: Session, repair_id: int) -> LoanerLoan | None:
    return session.scalars(
        select(LoanerLoan).where(
            LoanerLoan.repair_id == repair_id, LoanerLoan.returned_on.is_(None)
        )
    ).first()


def final_inspection_passed(repair: RepairOrder) -> bool:
    """The latest final inspection passed (one made after the last failure)."""
    finals = [i for i in repair.inspections if i.kind == "final"]
    return bool(finals) and finals[-1].result == "passed"


# -- the quote -------------------------------------------------------------------------


def quote_tolerance_pct() -> Decimal:
    """How far (in percent) the charged total may exceed the approved quote without a
    new approval: the installation's QUOTE_TOLERANCE_PCT, 0 by default. A value that
    is not a number of zero or more counts as 0 (a new approval for any excess)."""
    raw = current_app.config.get("QUOTE_TOLERANCE_PCT", 0)
    try:
        pct = Decimal(str(raw).strip() or "0")
    except (InvalidOperation, ValueError):
        pct = Decimal(-1)
    if not pct.is_finite() or pct < 0:
        log.warning("QUOTE_TOLERANCE_PCT=%r is not a percentage: no tolerance", raw)
        return Decimal(0)
    return pct


def quote_limit(repair: RepairOrder) -> Decimal:
    """The most a paid repair may charge: its approved quote plus the tolerance."""
    approved = repair.approved_amount or Decimal(0)
    limit = approved * (100 + quote_tolerance_pct()) / 100
    return limit.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_within_quote(repair: RepairOrder) -> None:
    """A paid repair charges no more than the customer approved (with the tolerance)."""
    if repair.billing_type != "paid" or repair.total <= quote_limit(repair):
        return
    if repair.approved_amount is None:
        raise DomainError(
            _l(
                "The customer has approved no quote for this paid repair (total %(total)s): "
                "send him a quote.",
                total=repair.total,
            ),
            status=409,
        )
    raise DomainError(
        _l(
            "The total %(total)s is above the quote the customer approved (%(approved)s): "
            "send him a new quote.",
            total=repair.total,
            approved=repair.approved_amount,
        ),
        status=409,
    )


def check_quote_unchanged_while_decided(repair: RepairOrder) -> None:
    """The amount the customer is deciding on does not change under him."""
    if repair.state != "quote_sent":
        return
    if sa_inspect(repair).attrs.quote_amount.history.has_changes():
        raise DomainError(
            _l("The customer is deciding on the quote sent: wait for his answer."),
            field="quote_amount",
            status=409,
        )


# -- transitions --------------------------------------------------------------------------


def _no_loaner_out(session: Session, repair: RepairOrder) -> None:
    if loaner_out(session, repair.id) is not None:
        raise DomainError(
            _l("The customer still has a substitute unit: record its return first."),
            status=409,
        )


def _send_quote(session: Session, repair: RepairOrder, today: date) -> None:
    """The quote covers at least what is on the repair (the total of its lines)."""
    if repair.billing_type != "paid":
        raise DomainError(
            _l("Only a paid repair needs the customer's approval of a quote."), status=409
        )
    if repair.quote_amount is None or repair.quote_amount < repair.total:
        repair.quote_amount = repair.total
    repair.quote_sent_on = today


def _approve(session: Session, repair: RepairOrder, today: date) -> None:
    repair.approved_amount = repair.quote_amount
    repair.customer_decision_on = today


def _refuse(session: Session, repair: RepairOrder, today: date) -> None:
    repair.customer_decision_on = today


def _work(session: Session, repair: RepairOrder, today: date) -> None:
    if repair.billing_type == "paid" and repair.state == "diagnosing":
        raise DomainError(
            _l("A paid repair needs the customer's approval of the quote first."),
            status=409,
        )


def _start_repair(session: Session, repair: RepairOrder, today: date) -> None:
    _work(session, repair, today)
    retry_reservations(session, repair)


def _mark_ready(session: Session, repair: RepairOrder, today: date) -> None:
    if not final_inspection_passed(repair):
        raise DomainError(
            _l(
                "The final inspection has not passed yet: it must be signed by someone "
                "other than the technician."
            ),
            status=409,
        )
    check_within_quote(repair)
    consume_parts(session, repair)
    repair.ready_on = today


def _return_unit(session: Session, repair: RepairOrder, today: date) -> None:
    _no_loaner_out(session, repair)
    if repair.state == "refused":
        release_parts(session, repair)  # the quote was refused: nothing is charged for parts
    else:
        check_within_quote(repair)


def _receive(session: Session, repair: RepairOrder, today: date) -> None:
    repair.intake_date = repair.intake_date or today


def _cancel(session: Session, repair: RepairOrder, today: date) -> None:
    _no_loaner_out(session, repair)


# the rules of each step that has some, checked before the step is taken
_BEFORE = {
    "receive": _receive,
    "send_quote": _send_quote,
    "approve": _approve,
    "refuse": _refuse,
    "wait_parts": _work,
    "start_repair": _start_repair,
    "mark_ready": _mark_ready,
    "return_unit": _return_unit,
    "cancel": _cancel,
}


def _closed(session: Session, repair: RepairOrder, action: str, today: date) -> None:
    """After the step: a cancelled repair releases its parts; a returned one is done."""
    if action == "cancel":
        release_parts(session, repair)
        repair.closed_at = utcnow()
    elif action == "return_unit":
        repair.returned_on = today
        repair.closed_at = utcnow()
        session.flush()
        signals.repair_completed.send(
            "warranty",
            session=session,
            repair_id=repair.id,
            technician_user_id=repair.technician_id,
            opened_at=repair.created_at,
            closed_at=repair.closed_at,
            on_time=repair.due_date is None or today <= repair.due_date,
        )


def transition(
    session: Session,
    repair: RepairOrder,
    action: str,
    comment: str | None = None,
    *,
    today: date | None = None,
) -> RepairOrder:
    """Move a repair along its life, with each step's rules; the only way to change state."""
    today = today or date.today()
    t = REPAIR_MACHINE.transition(action)
    if repair.state not in t.sources:
        REPAIR_MACHINE.apply(session, repair, action, comment)  # raises the 409
    before = _BEFORE.get(action)
    if before is not None:
        before(session, repair, today)
    REPAIR_MACHINE.apply(session, repair, action, comment)
    _closed(session, repair, action, today)
    session.flush()
    return repair


# -- rules ----------------------------------------------------------------------------------


class RepairRules(Archived):
    """A repair order: opened by a technician for himself (or whom he stands in for),
    numbered, billed and given its legal deadline at intake; its intake fields checked
    on every edit, nothing changed once closed, the quote being decided left alone;
    each step of its life with its rules (`transition`). Cancelled, never deleted."""

    state_machine = REPAIR_MACHINE
    not_deleted_message = _l("Repair orders are not deleted: cancel them.")

    def create(self, session, item, actor) -> None:
        check_technician(session, item, actor)
        create_repair(session, item)

    def update(self, session, item, actor) -> None:
        if item.state in CLOSED_STATES:
            raise Conflict(_l("A closed repair order cannot be changed."))
        check_technician(session, item, actor)
        check_quote_unchanged_while_decided(item)
        update_intake(session, item)

    def transition(self, session, item, action, comment, actor) -> None:
        transition(session, item, action, comment)


# ------------------------------------------------------------------ the rows figures count
# One definition each, asked by the dashboard's figures and by the repair list's quick
# filters (`?quick=open`), so a figure and the list behind it cannot drift apart.


def repair_open(ctx: Context):
    """Repairs not yet returned nor cancelled."""
    return RepairOrder.state.in_(OPEN_STATES)


def repair_overdue(ctx: Context):
    """Open repairs whose legal deadline was before today."""
    return and_(repair_open(ctx), RepairOrder.due_date < ctx.today)


def repair_mine(ctx: Context):
    """Repairs assigned to the reader or to a colleague whose work he holds today."""
    return RepairOrder.technician_id.in_(ctx.acting_for or (-1,))


QUICK_FILTERS: dict[str, Condition] = {
    "mine": repair_mine,
    "open": repair_open,
    "overdue": repair_overdue,
}
