"""Repair orders: intake, billing decision, the state machine, part and labour lines,
quality control (checklists and inspections), and the legal repair deadline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import signals
from app.db import ZERO, utcnow
from app.deadlines import Deadline, deadline
from app.errors import DomainError, NotFound
from app.numbering import next_number
from app.statemachine import StateMachine, Transition
from modules.inventory.models import Part, Warehouse
from modules.inventory.services import stock
from modules.staff.services import acting_for
from modules.warranty.hooks import coverage_for
from modules.warranty.models import (
    BILLING_TYPES,
    REPAIR_STATES,
    REPAIR_TYPES,
    LoanerLoan,
    RepairLabourLine,
    RepairOrder,
    RepairPartLine,
)
from modules.warranty.services.status import get_unit, warranty_status

REF_TYPE = "repair_order"

REPAIR_MACHINE = StateMachine(
    doc_type="wty_repair_order",
    states=REPAIR_STATES.labels,
    transitions=[
        Transition("receive", ("draft",), "received", _l("Receive")),
        Transition("diagnose", ("received",), "diagnosing", _l("Start diagnosis")),
        Transition("send_quote", ("diagnosing",), "quote_sent", _l("Send quote")),
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
# states in which lines may still change
EDITABLE_STATES = (
    "draft",
    "received",
    "diagnosing",
    "quote_sent",
    "approved",
    "waiting_parts",
    "in_repair",
)


def get_repair(session: Session, repair_id) -> RepairOrder:
    repair = session.get(RepairOrder, repair_id) if isinstance(repair_id, int) else None
    if repair is None:
        raise NotFound(_l("No such repair order."), field="repair")
    return repair


def _money(value, field: str, *, allow_none: bool = False) -> Decimal | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise DomainError(_l("A number is required."), field=field)
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(_l("Not a valid number."), field=field) from None
    if not d.is_finite() or d < 0 or d >= Decimal("1e12"):
        raise DomainError(_l("Give an amount of zero or more."), field=field)
    return d.quantize(Decimal("0.01"))


# -- intake -------------------------------------------------------------------------------


def repair_deadline(session: Session, repair: RepairOrder) -> Deadline | None:
    """The legal repair deadline of the installation's jurisdiction, from the intake."""
    if repair.intake_date is None:
        return None
    return deadline(session, "repair", repair.intake_date)


def days_left(repair: RepairOrder, today: date | None = None) -> int | None:
    """Days to the legal deadline (negative: overdue); None once closed or without one."""
    if repair.due_date is None or repair.state in ("returned", "cancelled"):
        return None
    return (repair.due_date - (today or date.today())).days


def check_repair(session: Session, repair: RepairOrder) -> None:
    """Rules on the intake fields (for the UI/API create and edit)."""
    if not (repair.reported_defect or "").strip():
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
    if repair.customer_id is None and repair.customer is None:
        repair.customer_id = repair.unit.customer_id
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
    if repair.state in ("ready", "returned", "cancelled"):
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
    if action == "receive":
        repair.intake_date = repair.intake_date or today
    elif action == "send_quote":
        if repair.billing_type != "paid":
            raise DomainError(
                _l("Only a paid repair needs the customer's approval of a quote."), status=409
            )
        if repair.quote_amount is None:
            repair.quote_amount = repair.total
        repair.quote_sent_on = today
    elif action in ("approve", "refuse"):
        repair.customer_decision_on = today
    elif action in ("wait_parts", "start_repair"):
        if repair.billing_type == "paid" and repair.state == "diagnosing":
            raise DomainError(
                _l("A paid repair needs the customer's approval of the quote first."),
                status=409,
            )
        if action == "start_repair":
            retry_reservations(session, repair)
    elif action == "mark_ready":
        if not final_inspection_passed(repair):
            raise DomainError(
                _l(
                    "The final inspection has not passed yet: it must be signed by someone "
                    "other than the technician."
                ),
                status=409,
            )
        consume_parts(session, repair)
        repair.ready_on = today
    elif action == "return_unit":
        if loaner_out(session, repair.id) is not None:
            raise DomainError(
                _l("The customer still has a substitute unit: record its return first."),
                status=409,
            )
        if repair.state == "refused":
            release_parts(session, repair)
    elif action == "cancel":
        if loaner_out(session, repair.id) is not None:
            raise DomainError(
                _l("The customer still has a substitute unit: record its return first."),
                status=409,
            )
    REPAIR_MACHINE.apply(session, repair, action, comment)
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
    session.flush()
    return repair


# -- lines --------------------------------------------------------------------------------


def _check_editable(repair: RepairOrder) -> None:
    if repair.state not in EDITABLE_STATES:
        raise DomainError(
            _l(
                "The lines of a repair in state “%(state)s” cannot change.",
                state=REPAIR_MACHINE.label(repair.state),
            ),
            status=409,
        )


def _qty(value) -> Decimal:
    return stock.quantity(value)


def add_part_line(
    session: Session,
    repair: RepairOrder,
    part_id: int,
    quantity,
    *,
    warehouse_id: int | None = None,
    unit_price=None,
    supplier_fault: bool = False,
    note: str | None = None,
) -> RepairPartLine:
    """Add a part: reserved at once when in stock, else left waiting for stock."""
    line = RepairPartLine(
        repair=repair,
        part=session.get(Part, part_id) if isinstance(part_id, int) else None,
        warehouse=session.get(Warehouse, warehouse_id) if isinstance(warehouse_id, int) else None,
        quantity=quantity,
        unit_price=unit_price,
        supplier_fault=bool(supplier_fault),
        note=note,
    )
    return attach_part_line(session, line)


def attach_part_line(session: Session, line: RepairPartLine) -> RepairPartLine:
    """Check a new part line (built by the UI/API or `add_part_line`) and reserve its stock."""
    with session.no_autoflush:
        repair = line.repair
        if repair is None:
            raise DomainError(_l("Choose the repair order."), field="repair")
        _check_editable(repair)
        qty = _qty(line.quantity)
        part = line.part
        if part is None or not part.active:
            raise DomainError(_l("No such part."), field="part")
        wh = line.warehouse or repair.warehouse
        if wh is None:
            raise DomainError(_l("Choose the warehouse the parts come from."), field="warehouse")
        if any(
            ln is not line and ln.part_id == part.id and ln.state in ("waiting", "reserved")
            for ln in repair.part_lines
        ):
            raise DomainError(
                _l("This part is already on the repair: remove its line to change the quantity."),
                field="part",
                status=409,
            )
        price = _money(line.unit_price, "unit_price", allow_none=True)
        line.quantity = qty
        line.unit_price = (part.sale_price or ZERO) if price is None else price
        line.unit_cost = part.avg_cost or ZERO
        line.part, line.warehouse, line.state = part, wh, "waiting"
        line.reservation_id = None
        line.supplier_fault = bool(line.supplier_fault)
        if repair.warehouse is None:
            repair.warehouse = wh
    session.add(line)
    session.flush()
    if stock.available(session, part.id, wh.id) >= qty:
        res = stock.reserve(session, part.id, wh.id, qty, REF_TYPE, repair.id)
        line.reservation_id = res.id
        line.state = "reserved"
    session.flush()
    return line


def remove_part_line(session: Session, line: RepairPartLine) -> RepairPartLine:
    """Take a part off the repair: its reservation is released; the line stays, released."""
    _check_editable(line.repair)
    if line.state not in ("waiting", "reserved"):
        raise DomainError(_l("This line can no longer change."), status=409)
    if line.state == "reserved":
        stock.release(session, REF_TYPE, line.repair_id, line.part_id)
    line.state = "released"
    session.flush()
    return line


def retry_reservations(session: Session, repair: RepairOrder) -> int:
    """Reserve the lines still waiting for stock, where stock arrived. Returns how many."""
    done = 0
    for line in repair.part_lines:
        if line.state != "waiting":
            continue
        if stock.available(session, line.part_id, line.warehouse_id) >= line.quantity:
            res = stock.reserve(
                session, line.part_id, line.warehouse_id, line.quantity, REF_TYPE, repair.id
            )
            line.reservation_id, line.state = res.id, "reserved"
            done += 1
    session.flush()
    return done


def consume_parts(session: Session, repair: RepairOrder) -> None:
    """The repair is done: issue every part line from stock (409 when one is missing)."""
    retry_reservations(session, repair)
    missing = [ln for ln in repair.part_lines if ln.state == "waiting"]
    if missing:
        ln = missing[0]
        raise DomainError(
            _l(
                "Not enough stock of %(part)s to finish the repair (%(qty)s needed).",
                part=ln.part.sku,
                qty=ln.quantity.normalize(),
            ),
            status=409,
        )
    for line in repair.part_lines:
        if line.state != "reserved":
            continue
        moves = stock.consume(session, REF_TYPE, repair.id, line.part_id)
        cost = sum((m.quantity * m.unit_cost for m in moves), ZERO)
        qty = sum((m.quantity for m in moves), ZERO)
        if qty:
            line.unit_cost = (cost / qty).quantize(Decimal("0.01"))
        line.state = "consumed"
    session.flush()


def release_parts(session: Session, repair: RepairOrder) -> None:
    stock.release(session, REF_TYPE, repair.id)
    for line in repair.part_lines:
        if line.state in ("waiting", "reserved"):
            line.state = "released"


def add_labour_line(
    session: Session,
    repair: RepairOrder,
    description: str,
    hours,
    rate=None,
    *,
    technician_id: int | None = None,
    performed_on: date | None = None,
) -> RepairLabourLine:
    line = RepairLabourLine(
        repair=repair,
        description=description,
        hours=hours,
        rate=rate,
        technician_id=technician_id,
        performed_on=performed_on,
    )
    return attach_labour_line(session, line)


def attach_labour_line(session: Session, line: RepairLabourLine) -> RepairLabourLine:
    """Check a new labour line (hours x rate) and add it to its repair."""
    repair = line.repair
    if repair is None:
        raise DomainError(_l("Choose the repair order."), field="repair")
    _check_editable(repair)
    if not (line.description or "").strip():
        raise DomainError(_l("Describe the work."), field="description")
    h = _qty(line.hours)
    if h > 1000:
        raise DomainError(_l("Too many hours for one line."), field="hours")
    r = _money(line.rate, "rate", allow_none=True)
    if r is None:
        from flask import current_app

        r = _money(current_app.config.get("LABOUR_RATE", "0"), "rate")
    performed_on = line.performed_on or date.today()
    if performed_on > date.today():
        raise DomainError(_l("The date cannot be in the future."), field="performed_on")
    line.description = line.description.strip()[:200]
    line.hours, line.rate, line.performed_on = h, r, performed_on
    if line.technician_id is None and line.technician is None:
        line.technician_id = repair.technician_id
    session.add(line)
    session.flush()
    return line


def remove_labour_line(session: Session, line: RepairLabourLine) -> None:
    _check_editable(line.repair)
    session.delete(line)
    session.flush()


# -- quality control ----------------------------------------------------------------------


# -- record rule --------------------------------------------------------------------------


def visible_technicians(session: Session, user_id: int | None, on: date | None = None) -> set[int]:
    """A technician sees his own repairs and those of the colleagues he stands in for."""
    return acting_for(session, user_id, on)
