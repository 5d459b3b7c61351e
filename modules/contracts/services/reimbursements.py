"""Dealer reimbursements: a dealer's warranty work, paid back at the labour rate and parts
discount of its dealer agreement, after a check; approved or rejected."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.db import ZERO
from app.errors import Conflict, DomainError
from app.numbering import next_number
from app.rules import Archived
from app.statemachine import StateMachine, Transition
from modules.contracts.models import REIMBURSEMENT_STATES, DealerReimbursement, ServiceContract
from modules.contracts.services.coverage import in_force_on
from modules.warranty.models import Unit
from modules.warranty.services.status import warranty_status

REIMBURSEMENT_MACHINE = StateMachine(
    doc_type="ctr_dealer_reimbursement",
    states=REIMBURSEMENT_STATES.labels,
    transitions=[
        Transition("submit", ("draft",), "submitted", _l("Submit")),
        Transition("check", ("submitted",), "checked", _l("Checked")),
        Transition("approve", ("checked",), "approved", _l("Approve")),
        Transition(
            "reject", ("submitted", "checked"), "rejected", _l("Reject"), needs_comment=True
        ),
    ],
    initial="draft",
)
EDITABLE_STATES = ("draft", "submitted")
CENT = Decimal("0.01")


def _contract(session: Session, item: DealerReimbursement) -> ServiceContract:
    contract = item.contract or (
        session.get(ServiceContract, item.contract_id) if item.contract_id else None
    )
    if contract is None:
        raise DomainError(_l("Choose the dealer agreement."), field="contract")
    return contract


def compute(item: DealerReimbursement, contract: ServiceContract) -> None:
    """Amounts at the agreement's rates: hours x labour rate, parts less the discount."""
    rate = contract.labour_rate or ZERO
    pct = contract.parts_discount_pct or ZERO
    item.labour_rate = rate
    item.parts_discount_pct = pct
    item.labour_amount = (item.labour_hours * rate).quantize(CENT)
    item.parts_reimbursed = (item.parts_amount * (100 - pct) / 100).quantize(CENT)
    item.total = item.labour_amount + item.parts_reimbursed


def check_reimbursement(session: Session, item: DealerReimbursement) -> None:
    contract = _contract(session, item)
    if contract.kind != "dealer":
        raise DomainError(_l("Choose a dealer agreement."), field="contract")
    if item.work_date is None:
        raise DomainError(_l("The date of the work is required."), field="work_date")
    if item.work_date > date.today():
        raise DomainError(_l("The date cannot be in the future."), field="work_date")
    item.description = (item.description or "").strip()
    if not item.description:
        raise DomainError(_l("Describe the work."), field="description")
    item.labour_hours = item.labour_hours if item.labour_hours is not None else ZERO
    item.parts_amount = item.parts_amount if item.parts_amount is not None else ZERO
    if item.labour_hours < 0 or item.labour_hours > 1000:
        raise DomainError(_l("Give a number of hours between 0 and 1000."), field="labour_hours")
    if item.parts_amount < 0:
        raise DomainError(_l("Give an amount of zero or more."), field="parts_amount")
    if item.state not in EDITABLE_STATES:
        raise Conflict(_l("A checked request cannot change."))
    compute(item, contract)


def create_reimbursement(session: Session, item: DealerReimbursement) -> DealerReimbursement:
    item.state = REIMBURSEMENT_MACHINE.initial
    check_reimbursement(session, item)
    item.number = next_number(session, "DR", item.work_date)
    session.add(item)
    REIMBURSEMENT_MACHINE.start(session, item)
    session.flush()
    return item


def _verify(session: Session, item: DealerReimbursement) -> None:
    """The check: the agreement was in force on the day of the work, and the unit was
    the dealer's and under warranty that day. A request that names no unit cannot be
    checked (nothing would say the work was warranty work)."""
    contract = _contract(session, item)
    if not in_force_on(contract, item.work_date):
        raise Conflict(_l("The dealer agreement was not in force on the day of the work."))
    unit = item.unit or (session.get(Unit, item.unit_id) if item.unit_id is not None else None)
    if unit is None:
        raise DomainError(
            _l("Name the unit the dealer worked on: the check needs its warranty."),
            field="unit",
        )
    if unit.dealer_id != contract.partner_id:
        raise Conflict(_l("This unit was not sold by this dealer."))
    if not warranty_status(session, unit, item.work_date).under_warranty:
        raise Conflict(_l("The unit was not under warranty on the day of the work."))
    compute(item, contract)


def transition(
    session: Session,
    item: DealerReimbursement,
    action: str,
    comment: str | None = None,
    *,
    today: date | None = None,
) -> DealerReimbursement:
    t = REIMBURSEMENT_MACHINE.transition(action)
    if item.state in t.sources and action == "check":
        _verify(session, item)
    REIMBURSEMENT_MACHINE.apply(session, item, action, comment)
    if action in ("approve", "reject"):
        item.decided_on = today or date.today()
    session.flush()
    return item


class ReimbursementRules(Archived):
    """A dealer's reimbursement request: on a dealer agreement, amounts at its rates,
    changed until checked; the check needs the unit (the dealer's, under warranty on
    the day of the work); approved or rejected once; never deleted (rejected)."""

    state_machine = REIMBURSEMENT_MACHINE
    not_deleted_message = _l("Reimbursement requests are not deleted: reject them.")

    def create(self, session, item, actor) -> None:
        create_reimbursement(session, item)

    def update(self, session, item, actor) -> None:
        check_reimbursement(session, item)

    def transition(self, session, item, action, comment, actor) -> None:
        transition(session, item, action, comment)
