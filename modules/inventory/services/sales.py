"""Parts sales (quotation -> confirmed -> delivered -> invoiced) and customer returns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.db import ZERO
from app.errors import DomainError
from app.numbering import next_number
from app.statemachine import StateMachine, Transition
from modules.inventory.models import SALE_STATES, PartsReturn, PartsSale, PartsSaleLine, Warehouse
from modules.inventory.services.stock import post_move, quantity

SALE_MACHINE = StateMachine(
    doc_type="inv_parts_sale",
    states=SALE_STATES.labels,
    transitions=[
        Transition("confirm", ("quotation",), "confirmed", _l("Confirm")),
        Transition("deliver", ("confirmed",), "delivered", _l("Deliver")),
        Transition("invoice", ("delivered",), "invoiced", _l("Invoice")),
        Transition("cancel", ("quotation", "confirmed"), "cancelled", _l("Cancel")),
    ],
    initial="quotation",
)
HUNDRED = Decimal("100")


def _check_pct(value, field: str) -> Decimal:
    value = value if value is not None else ZERO
    if value < 0 or value > HUNDRED:
        raise DomainError(_l("A discount is between 0 and 100 %."), field=field)
    return value


def check_sale(sale: PartsSale) -> None:
    sale.discount_pct = _check_pct(sale.discount_pct, "discount_pct")
    if sale.customer is not None and sale.discount_pct and not sale.customer.is_dealer:
        raise DomainError(_l("Only dealers get a discount."), field="discount_pct")


def create_sale(session: Session, sale: PartsSale) -> PartsSale:
    if sale.state and sale.state != SALE_MACHINE.initial:
        raise DomainError(_l("A new sale starts as a quotation."), field="state")
    check_sale(sale)
    sale.sale_date = sale.sale_date or date.today()
    sale.number = next_number(session, "PS", sale.sale_date)
    session.add(sale)
    SALE_MACHINE.start(session, sale)
    return sale


def check_sale_line(line: PartsSaleLine) -> None:
    if line.sale is not None and line.sale.state != "quotation":
        raise DomainError(_l("Only a quotation can be changed."), status=409)
    line.quantity = quantity(line.quantity)
    if line.unit_price is None and line.part is not None:
        line.unit_price = line.part.sale_price
    if line.unit_price is None or line.unit_price < 0:
        raise DomainError(_l("Prices cannot be negative."), field="unit_price")
    line.discount_pct = _check_pct(line.discount_pct, "discount_pct")
    if line.sale is not None and not line.discount_pct:
        line.discount_pct = line.sale.discount_pct or ZERO


def transition_sale(session: Session, sale: PartsSale, action: str, comment=None) -> None:
    if action == "confirm" and not sale.lines:
        raise DomainError(_l("A sale without lines cannot be confirmed."), status=409)
    SALE_MACHINE.apply(session, sale, action, comment)
    if action == "deliver":
        for line in sale.lines:
            post_move(
                session,
                part_id=line.part_id,
                quantity_=line.quantity,
                reason="sale",
                from_warehouse_id=sale.warehouse_id,
                ref_type="inv_parts_sale",
                ref_id=str(sale.id),
            )


def register_return(session: Session, ret: PartsReturn) -> PartsReturn:
    """Post the returned part to stock (good) or to the quarantine warehouse (damaged)."""
    ret.quantity = quantity(ret.quantity)
    ret.reason = (ret.reason or "").strip()
    if not ret.reason:
        raise DomainError(_l("Say why the part comes back."), field="reason")
    wh = ret.warehouse or session.get(Warehouse, ret.warehouse_id)
    if ret.condition == "damaged" and wh is not None and wh.kind != "quarantine":
        raise DomainError(_l("A damaged part goes to a quarantine warehouse."), field="warehouse")
    part_id = ret.part.id if ret.part is not None else ret.part_id
    if ret.sale is not None:
        if ret.sale.state not in ("delivered", "invoiced"):
            raise DomainError(_l("Only a delivered sale can be returned."), field="sale")
        sold = sum((ln.quantity for ln in ret.sale.lines if ln.part_id == part_id), ZERO)
        if ret.quantity > sold:
            raise DomainError(_l("More is returned than was sold."), field="quantity")
        ret.customer_id = ret.sale.customer_id
    ret.return_date = ret.return_date or date.today()
    session.add(ret)
    session.flush()
    move = post_move(
        session,
        part_id=ret.part_id,
        quantity_=ret.quantity,
        reason="return",
        to_warehouse_id=ret.warehouse_id,
        ref_type="inv_parts_return",
        ref_id=str(ret.id),
        note=ret.reason[:200],
    )
    ret.move_id = move.id
    return ret
