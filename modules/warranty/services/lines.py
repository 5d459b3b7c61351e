"""The lines of a repair: parts (reserved when added, consumed when the repair is done,
released when taken off) and labour (hours x rate), with their rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.amounts import money, quantity
from app.db import ZERO
from app.errors import Conflict, DomainError
from app.rules import Rules
from modules.inventory.models import Part, Warehouse, register_ref_type
from modules.inventory.services import stock
from modules.warranty.models import REPAIR_STATES, RepairLabourLine, RepairOrder, RepairPartLine
from modules.warranty.services.access import check_repair_visible

REF_TYPE = "repair_order"
register_ref_type(REF_TYPE, _l("Repair order"))  # the stock moves and reservations it makes
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
MAX_HOURS = 1000  # on one labour line


def check_editable(repair: RepairOrder) -> None:
    if repair.state not in EDITABLE_STATES:
        raise DomainError(
            _l(
                "The lines of a repair in state “%(state)s” cannot change.",
                state=REPAIR_STATES.label(repair.state),
            ),
            status=409,
        )


# -- parts --------------------------------------------------------------------------------


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
    """Check a new part line (built by a door or `add_part_line`) and reserve its stock:
    the part's sale price unless a price is given, its moving average cost."""
    with session.no_autoflush:
        repair = line.repair
        if repair is None:
            raise DomainError(_l("Choose the repair order."), field="repair")
        check_editable(repair)
        qty = cast(  # required: never None
            Decimal, quantity(line.quantity, "quantity", label=_l("Quantity"))
        )
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
        price = money(line.unit_price, "unit_price", label=_l("Unit price"), required=False)
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
    check_editable(line.repair)
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


# -- labour -------------------------------------------------------------------------------


def labour_rate() -> Decimal:
    """The installation's hourly rate for a labour line that names none (LABOUR_RATE)."""
    rate = money(current_app.config.get("LABOUR_RATE") or "0", "rate", label=_l("Rate"))
    return rate


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
    """Check a new labour line (hours x rate) and add it to its repair. No rate given:
    the installation's LABOUR_RATE; with none configured the line is refused (a rate
    of 0 is written on purpose, never by omission)."""
    repair = line.repair
    if repair is None:
        raise DomainError(_l("Choose the repair order."), field="repair")
    check_editable(repair)
    if not (line.description or "").strip():
        raise DomainError(_l("Describe the work."), field="description")
    hours = quantity(line.hours, "hours", label=_l("Hours"), maximum=MAX_HOURS)
    rate = money(line.rate, "rate", label=_l("Rate"), required=False)
    if rate is None:
        rate = labour_rate()
        if not rate:
            raise DomainError(
                _l("Give the hourly rate: no default labour rate is set."), field="rate"
            )
    performed_on = line.performed_on or date.today()
    if performed_on > date.today():
        raise DomainError(_l("The date cannot be in the future."), field="performed_on")
    line.description = line.description.strip()[:200]
    line.hours, line.rate, line.performed_on = hours, rate, performed_on
    if line.technician_id is None and line.technician is None:
        with session.no_autoflush:  # the line is not in the session yet
            line.technician = repair.technician  # the relation: a form's None would win
    session.add(line)
    session.flush()
    return line


def remove_labour_line(session: Session, line: RepairLabourLine) -> None:
    check_editable(line.repair)
    session.delete(line)
    session.flush()


# -- rules ----------------------------------------------------------------------------------


class PartLineRules(Rules):
    """A part on a repair the actor may see and that is still open: reserved when added
    (or waiting for stock); never edited (take it off and add it again); taken off,
    it is released and stays on the repair, released."""

    def create(self, session, item, actor) -> None:
        with session.no_autoflush:
            check_repair_visible(item.repair, actor)
        attach_part_line(session, item)

    def update(self, session, item, actor) -> None:
        raise Conflict(_l("Lines are not edited: remove the line and add it again."))

    def delete(self, session, item, actor) -> None:
        raise Conflict(_l("A part line is not deleted: remove it, and its stock is released."))

    def remove(self, session, item: RepairPartLine, actor) -> RepairPartLine:
        """Take the part off its repair (both doors' delete)."""
        check_repair_visible(item.repair, actor)
        return remove_part_line(session, item)


class LabourLineRules(Rules):
    """Work on a repair the actor may see and that is still open: hours x rate (the
    installation's rate when none is given); never edited, deleted while the repair's
    lines may change."""

    def create(self, session, item, actor) -> None:
        with session.no_autoflush:
            check_repair_visible(item.repair, actor)
        attach_labour_line(session, item)

    def update(self, session, item, actor) -> None:
        raise Conflict(_l("Lines are not edited: remove the line and add it again."))

    def delete(self, session, item, actor) -> None:
        check_repair_visible(item.repair, actor)
        check_editable(item.repair)
