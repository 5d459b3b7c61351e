"""Claims against suppliers (defective parts, late delivery...) and what they recover."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.amounts import money
from app.errors import Conflict, DomainError
from app.numbering import next_number
from app.rules import Archived
from app.statemachine import StateMachine, Transition
from app.workcal import installation_calendar
from modules.claims.models import BREACHES, SUPPLIER_CLAIM_STATES, SupplierClaim
from modules.partners.models import Partner

# days the supplier has to answer when the claim names no due date
DEFAULT_ANSWER_DAYS = 30
# the number series of supplier claims (SCL-YYYY-NNNNN); until Trust II they shared the
# service contracts' "SC" series, and the numbers given then stay as they are
NUMBER_SERIES = "SCL"

SUPPLIER_CLAIM_MACHINE = StateMachine(
    doc_type="clm_supplier_claim",
    states=SUPPLIER_CLAIM_STATES.labels,
    transitions=[
        Transition("send", ("draft",), "sent", _l("Send to the supplier")),
        Transition("accept", ("sent",), "accepted", _l("Supplier accepted")),
        Transition("accept_partly", ("sent",), "partly_accepted", _l("Supplier accepted partly")),
        Transition("reject", ("sent",), "rejected", _l("Supplier rejected"), needs_comment=True),
        Transition("settle", ("accepted", "partly_accepted"), "settled", _l("Settled")),
        Transition(
            "cancel", ("draft", "sent", "rejected"), "cancelled", _l("Cancel"), needs_comment=True
        ),
    ],
    initial="draft",
)


def check_supplier_claim(session: Session, sc: SupplierClaim) -> None:
    supplier = sc.supplier or (session.get(Partner, sc.supplier_id) if sc.supplier_id else None)
    if supplier is None:
        raise DomainError(_l("Name the supplier."), field="supplier")
    if not (supplier.is_supplier or supplier.is_dealer):
        raise DomainError(_l("The counterparty must be a supplier or a dealer."), field="supplier")
    sc.description = (sc.description or "").strip()
    if not sc.description:
        raise DomainError(_l("Describe the breach."), field="description")
    sc.breach = sc.breach or "defective_parts"
    if sc.breach not in BREACHES:
        raise DomainError(_l("Choose the breach."), field="breach")
    sc.amount = cast(  # required: never None
        Decimal, money(sc.amount, "amount", label=_l("Amount claimed"))
    )
    if sc.recovered_amount is not None:
        sc.recovered_amount = money(
            sc.recovered_amount, "recovered_amount", label=_l("Amount recovered")
        )
    sc.opened_on = sc.opened_on or date.today()
    if sc.due_date is not None and sc.due_date < sc.opened_on:
        raise DomainError(_l("The due date cannot precede the claim."), field="due_date")
    for d in sc.defects:
        if d.supplier_id is not None and d.supplier_id != supplier.id:
            raise DomainError(_l("A linked defect names another supplier."), field="defects")


def create_supplier_claim(session: Session, sc: SupplierClaim) -> SupplierClaim:
    check_supplier_claim(session, sc)
    sc.number = next_number(session, NUMBER_SERIES, sc.opened_on)
    session.add(sc)
    SUPPLIER_CLAIM_MACHINE.start(session, sc)
    session.flush()
    return sc


def update_supplier_claim(session: Session, sc: SupplierClaim) -> None:
    if sc.state in ("settled", "cancelled"):
        raise Conflict(_l("A settled or cancelled supplier claim cannot be changed."))
    check_supplier_claim(session, sc)


def supplier_claim_transition(
    session: Session, sc: SupplierClaim, action: str, comment=None, *, today=None
) -> SupplierClaim:
    today = today or date.today()
    t = SUPPLIER_CLAIM_MACHINE.transition(action)
    if sc.state not in t.sources:
        SUPPLIER_CLAIM_MACHINE.apply(session, sc, action, comment)  # raises the 409
    if action == "send":
        sc.sent_on = today
        if sc.due_date is None:
            cal = installation_calendar(session)
            sc.due_date = cal.next_working_day(today + timedelta(days=DEFAULT_ANSWER_DAYS))
    elif action == "settle":
        if sc.recovered_amount is None:
            raise DomainError(
                _l("Record the amount recovered from the supplier."), field="recovered_amount"
            )
        sc.settled_on = today
    SUPPLIER_CLAIM_MACHINE.apply(session, sc, action, comment)
    session.flush()
    return sc


class SupplierClaimRules(Archived):
    """A claim against a supplier (or a dealer): the counterparty, the breach, amounts;
    numbered SCL-YYYY-NNNNN; fixed once settled or cancelled; never deleted."""

    state_machine = SUPPLIER_CLAIM_MACHINE
    not_deleted_message = _l("Supplier claims are not deleted: cancel them.")

    def create(self, session, item, actor) -> None:
        create_supplier_claim(session, item)

    def update(self, session, item, actor) -> None:
        update_supplier_claim(session, item)

    def transition(self, session, item, action, comment, actor) -> None:
        supplier_claim_transition(session, item, action, comment)
