"""Shipments of defective goods to the workshop and back, and substitute (loaner) units
lent during a repair; their rules."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.deadlines import deadline
from app.errors import Conflict, DomainError, NotFound
from app.numbering import next_number
from app.rules import Archived
from app.statemachine import StateMachine, Transition
from modules.warranty.models import (
    PAYERS,
    SHIPMENT_DIRECTIONS,
    SHIPMENT_STATES,
    Loaner,
    LoanerLoan,
    RepairOrder,
    Shipment,
)
from modules.warranty.services.access import check_repair_visible

SHIPMENT_MACHINE = StateMachine(
    doc_type="wty_shipment",
    states=SHIPMENT_STATES.labels,
    transitions=[
        Transition("ship", ("planned",), "in_transit", _l("Ship")),
        Transition("deliver", ("in_transit",), "delivered", _l("Delivered")),
        Transition("cancel", ("planned", "in_transit"), "cancelled", _l("Cancel")),
    ],
    initial="planned",
)
LOAN_STATES_OPEN = (
    "received",
    "diagnosing",
    "quote_sent",
    "approved",
    "waiting_parts",
    "in_repair",
    "ready",
)


# -- shipments ----------------------------------------------------------------------------


def check_shipment(shipment: Shipment) -> None:
    if shipment.direction not in SHIPMENT_DIRECTIONS:
        raise DomainError(_l("Not a valid choice."), field="direction")
    if (shipment.paid_by or "company") not in PAYERS:
        raise DomainError(_l("Not a valid choice."), field="paid_by")
    if shipment.cost is not None and shipment.cost < 0:
        raise DomainError(_l("Give an amount of zero or more."), field="cost")
    if (
        shipment.repair is None
        and shipment.unit is None
        and not (shipment.repair_id or shipment.unit_id)
    ):
        raise DomainError(_l("Say which repair or unit is shipped."), field="repair")
    if shipment.repair is not None and shipment.unit is None:
        shipment.unit = shipment.repair.unit
    if (
        shipment.repair is not None
        and shipment.unit is not None
        and shipment.repair.unit_id != shipment.unit.id
    ):
        raise DomainError(_l("This unit is not the repair's unit."), field="unit")
    if shipment.direction in ("to_outside", "from_outside") and shipment.workshop is None:
        raise DomainError(_l("Choose the outside workshop."), field="workshop")
    if (
        shipment.shipped_on
        and shipment.delivered_on
        and shipment.delivered_on < shipment.shipped_on
    ):
        raise DomainError(_l("The delivery cannot be before the shipment."), field="delivered_on")
    if shipment.shipped_on and shipment.shipped_on > date.today():
        raise DomainError(_l("The date cannot be in the future."), field="shipped_on")


def create_shipment(session: Session, shipment: Shipment) -> Shipment:
    if shipment.state and shipment.state != SHIPMENT_MACHINE.initial:
        raise DomainError(_l("A new shipment starts as planned."), field="state")
    check_shipment(shipment)
    shipment.number = next_number(session, "SH")
    session.add(shipment)
    SHIPMENT_MACHINE.start(session, shipment)
    session.flush()
    return shipment


def shipment_transition(
    session: Session, shipment: Shipment, action: str, comment: str | None = None
) -> Shipment:
    """A step of the shipment's life. Shipping dates it today and delivering too, unless
    the date was given; a step whose date would fall after the delivery date given (a
    planned shipment with a delivery date but no shipment date) is refused before
    anything is recorded: the rows it would leave could no longer be edited."""
    shipped_on, delivered_on = shipment.shipped_on, shipment.delivered_on
    if action == "ship" and shipped_on is None:
        shipped_on = date.today()
    if action == "deliver" and delivered_on is None:
        delivered_on = date.today()
    legal = shipment.state in SHIPMENT_MACHINE.transition(action).sources
    if legal and shipped_on and delivered_on and delivered_on < shipped_on:
        raise DomainError(_l("The delivery cannot be before the shipment."), field="delivered_on")
    SHIPMENT_MACHINE.apply(session, shipment, action, comment)
    shipment.shipped_on, shipment.delivered_on = shipped_on, delivered_on
    session.flush()
    return shipment


# -- loaners ------------------------------------------------------------------------------


def check_loaner(loaner: Loaner) -> None:
    loaner.code = (loaner.code or "").strip()
    if not loaner.code:
        raise DomainError(_l("The code is required."), field="code")
    if not (loaner.name or "").strip():
        raise DomainError(_l("The name is required."), field="name")


def loaner_deadline(session: Session, requested_on: date):
    """The legal deadline to provide a substitute unit (RU: 3 days; none in BR)."""
    return deadline(session, "loaner", requested_on)


def lend_loaner(
    session: Session,
    repair: RepairOrder,
    loaner_id: int,
    *,
    requested_on: date | None = None,
    lent_on: date | None = None,
    condition_out: str | None = None,
    notes: str | None = None,
) -> LoanerLoan:
    """Lend a substitute unit to the repair's customer while the repair lasts."""
    loan = LoanerLoan(
        repair=repair,
        loaner=session.get(Loaner, loaner_id) if isinstance(loaner_id, int) else None,
        requested_on=requested_on,
        lent_on=lent_on,
        condition_out=condition_out,
        notes=notes,
    )
    return attach_loan(session, loan)


def attach_loan(session: Session, loan: LoanerLoan) -> LoanerLoan:
    """Check a new loan (built by a door or `lend_loaner`): an available unit of the
    pool, for a repair in the workshop whose customer has none yet; requested and lent
    today unless said, not before the intake, not in the future; the legal deadline
    to provide it from the request."""
    with session.no_autoflush:
        repair = loan.repair
        if repair is None:
            raise DomainError(_l("Choose the repair order."), field="repair")
        if repair.state not in LOAN_STATES_OPEN:
            raise DomainError(
                _l("A substitute unit is lent only while the unit is in the workshop."),
                status=409,
            )
        loaner = loan.loaner
        if loaner is None or not loaner.active:
            raise NotFound(_l("No such substitute unit."), field="loaner")
        out = session.scalars(
            select(LoanerLoan).where(
                LoanerLoan.repair_id == repair.id, LoanerLoan.returned_on.is_(None)
            )
        ).first()
        if out is not None and out is not loan:
            raise DomainError(
                _l("This repair's customer already has a substitute unit."), status=409
            )
        if loaner.state != "available":
            raise DomainError(
                _l("This substitute unit is not available."), field="loaner", status=409
            )
        today = date.today()
        lent_on = loan.lent_on or today
        requested_on = loan.requested_on or lent_on
        if lent_on > today or requested_on > today:
            raise DomainError(_l("The date cannot be in the future."), field="lent_on")
        if requested_on > lent_on:
            raise DomainError(_l("A unit cannot be lent before it is requested."), field="lent_on")
        if requested_on < repair.intake_date:
            raise DomainError(
                _l("The request cannot be before the repair's intake."), field="requested_on"
            )
        dl = loaner_deadline(session, requested_on)
        loan.customer_id = repair.customer_id
        loan.requested_on, loan.lent_on = requested_on, lent_on
        loan.due_date = dl.due if dl else None
        loan.condition_out = (loan.condition_out or loaner.condition or "").strip()[:200] or None
        loan.returned_on = loan.condition_back = None
        loaner.state = "lent"
    session.add(loan)
    session.flush()
    return loan


def return_loaner(
    session: Session,
    loan: LoanerLoan,
    *,
    returned_on: date | None = None,
    condition_back: str | None = None,
    needs_maintenance: bool = False,
) -> LoanerLoan:
    """Record the substitute unit's return and its condition."""
    if loan.returned_on is not None:
        raise DomainError(_l("This substitute unit was already returned."), status=409)
    returned_on = returned_on or date.today()
    if returned_on < loan.lent_on:
        raise DomainError(_l("The return cannot be before the loan."), field="returned_on")
    if returned_on > date.today():
        raise DomainError(_l("The date cannot be in the future."), field="returned_on")
    condition_back = (condition_back or "").strip()
    if not condition_back:
        raise DomainError(
            _l("Describe the condition the unit came back in."), field="condition_back"
        )
    loan.returned_on = returned_on
    loan.condition_back = condition_back[:200]
    loan.loaner.condition = loan.condition_back
    loan.loaner.state = "maintenance" if needs_maintenance else "available"
    session.flush()
    return loan


def check_loaner_state(session: Session, loaner: Loaner) -> None:
    """ "Lent" is set by lending and cleared by the return, never by hand."""
    # no autoflush: a duplicate code must fail at the save (a 409), not in this query (a 500)
    with session.no_autoflush:
        out = session.scalar(
            select(LoanerLoan.id).where(
                LoanerLoan.loaner_id == loaner.id, LoanerLoan.returned_on.is_(None)
            )
        )
    if (out is not None) != (loaner.state == "lent"):
        raise DomainError(
            _l("A substitute unit is lent and returned through its loans."),
            field="state",
            status=409,
        )


# -- rules ----------------------------------------------------------------------------------


class ShipmentRules(Archived):
    """A shipment: a known direction and payer, the repair's own unit, an outside
    workshop when it goes to or comes from one, dates in order and not in the future;
    numbered and planned when created; nothing changes once cancelled; cancelled,
    never deleted. Its life: planned, in transit, delivered (or cancelled)."""

    state_machine = SHIPMENT_MACHINE
    not_deleted_message = _l("Shipments are not deleted: cancel them.")

    def create(self, session, item, actor) -> None:
        create_shipment(session, item)

    def update(self, session, item, actor) -> None:
        if item.state == "cancelled":
            raise Conflict(_l("A cancelled shipment cannot be changed."))
        check_shipment(item)

    def transition(self, session, item, action, comment, actor) -> None:
        shipment_transition(session, item, action, comment)


class LoanerRules(Archived):
    """A substitute unit of the pool: a code and a name; available when added; lent and
    returned only through its loans; retired (untick Active), never deleted."""

    not_deleted_message = _l("Substitute units are not deleted: untick Active.")

    def create(self, session, item, actor) -> None:
        item.state = "available"
        check_loaner(item)

    def update(self, session, item, actor) -> None:
        check_loaner(item)
        check_loaner_state(session, item)


class LoanRules(Archived):
    """A substitute unit lent for a repair the actor may see (`attach_loan`); it changes
    only by its return (`give_back`); never deleted."""

    not_deleted_message = _l("Loans are not deleted.")

    def create(self, session, item, actor) -> None:
        with session.no_autoflush:
            check_repair_visible(item.repair, actor)
        attach_loan(session, item)

    def update(self, session, item, actor) -> None:
        raise Conflict(_l("Record the return from the repair order's page."))

    def give_back(self, session, loan: LoanerLoan, data: dict, actor) -> LoanerLoan:
        """`data`: returned_on (today by default), condition_back, needs_maintenance."""
        check_repair_visible(loan.repair, actor)
        return return_loaner(
            session,
            loan,
            returned_on=data.get("returned_on"),
            condition_back=data.get("condition_back"),
            needs_maintenance=bool(data.get("needs_maintenance")),
        )
