"""Parts sales (quotation -> confirmed -> delivered -> invoiced) and customer returns.

A return never brings back more of a part than its sale sold less what came back
already, and carries its refund: by default the sale's net price of what comes back
(the lines' amounts after discounts, pro rata; the last return of a part gets what is
left, so the refunds of a whole sale add up to its amount), or less when stated.
Both hold under concurrency: the sale's row is locked (PostgreSQL) or the writers take
turns (SQLite, app.db) before the returns so far are counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.amounts import money, quantity
from app.db import ZERO
from app.errors import Conflict, DomainError
from app.numbering import next_number
from app.rules import Rules
from app.statemachine import StateMachine, Transition, lock
from modules.inventory.models import (
    SALE_STATES,
    Part,
    PartsReturn,
    PartsSale,
    PartsSaleLine,
    Warehouse,
)
from modules.inventory.services.stock import post_move

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
SOLD = ("delivered", "invoiced")
CENT = Decimal("0.01")


def _discount(value, field: str) -> Decimal:
    return money(value, field, label=_l("Discount %"), required=False, maximum=100) or ZERO


def check_sale(sale: PartsSale) -> None:
    sale.discount_pct = _discount(sale.discount_pct, "discount_pct")
    if sale.customer is not None and sale.discount_pct and not sale.customer.is_dealer:
        raise DomainError(_l("Only dealers get a discount."), field="discount_pct")


def create_sale(session: Session, sale: PartsSale) -> PartsSale:
    """A new sale: a numbered quotation; the `line_items` of an API body become its lines."""
    if sale.state and sale.state != SALE_MACHINE.initial:
        raise DomainError(_l("A new sale starts as a quotation."), field="state")
    check_sale(sale)
    sale.sale_date = sale.sale_date or date.today()
    sale.number = next_number(session, "PS", sale.sale_date)
    session.add(sale)
    SALE_MACHINE.start(session, sale)
    items: Sequence[dict] = sale.line_items or ()  # the model declares it None
    for item in items:
        line = PartsSaleLine(
            part=_line_part(session, item.get("part_id")),
            quantity=item.get("quantity"),
            unit_price=item.get("unit_price"),
            discount_pct=item.get("discount_pct"),
        )
        sale.lines.append(line)
        check_sale_line(line)
    return sale


def _line_part(session: Session, part_id) -> Part:
    part = session.get(Part, part_id) if isinstance(part_id, int) else None
    if part is None:
        raise DomainError(_l("The referenced record does not exist."), field="part")
    return part


def _quotation_only(sale: PartsSale | None) -> None:
    if sale is not None and sale.state != "quotation":
        raise Conflict(_l("Only a quotation can be changed."))


def check_sale_line(line: PartsSaleLine) -> None:
    _quotation_only(line.sale)
    if line.part is None and line.part_id is None:
        raise DomainError(_l("This field is required."), field="part")
    line.quantity = cast(  # required: never None
        Decimal, quantity(line.quantity, label=_l("Quantity"))
    )
    if line.unit_price is None and line.part is not None:
        line.unit_price = line.part.sale_price
    line.unit_price = cast(  # required: never None
        Decimal, money(line.unit_price, "unit_price", label=_l("Unit price"))
    )
    line.discount_pct = _discount(line.discount_pct, "discount_pct")
    if line.sale is not None and not line.discount_pct:
        line.discount_pct = line.sale.discount_pct or ZERO


def transition_sale(session: Session, sale: PartsSale, action: str, comment=None) -> None:
    """A step of the sale's life; delivering issues its lines from stock. The sale is
    locked and read afresh first: of two users delivering it at once, the second waits
    and is refused (its stock leaves once)."""
    lock(session, sale)
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


# ------------------------------------------------------------------ returns


def _sold(session: Session, sale_id: int, part_id: int) -> tuple[Decimal, Decimal]:
    """(quantity, net amount) of a part on a sale."""
    lines = session.scalars(
        select(PartsSaleLine).where(
            PartsSaleLine.sale_id == sale_id, PartsSaleLine.part_id == part_id
        )
    ).all()
    return sum((ln.quantity for ln in lines), ZERO), sum((ln.amount for ln in lines), ZERO)


def _returned(session: Session, sale_id: int, part_id: int) -> tuple[Decimal, Decimal]:
    """(quantity, refunds) of a part of a sale that came back already."""
    qty, refunded = session.execute(
        select(
            func.coalesce(func.sum(PartsReturn.quantity), 0),
            func.coalesce(func.sum(PartsReturn.refund_amount), 0),
        ).where(PartsReturn.sale_id == sale_id, PartsReturn.part_id == part_id)
    ).one()
    return Decimal(qty), Decimal(refunded)


def _check_against_sale(session: Session, ret: PartsReturn, part_id: int) -> Decimal:
    """The most the return may refund; refuses more than is left of the sale."""
    sale = ret.sale or session.get(PartsSale, ret.sale_id)
    if sale is None:
        raise DomainError(_l("The referenced record does not exist."), field="sale")
    lock(session, sale)  # returns of one sale take turns: each counts the ones before
    if sale.state not in SOLD:
        raise DomainError(_l("Only a delivered sale can be returned."), field="sale")
    sold_qty, sold_value = _sold(session, sale.id, part_id)
    if not sold_qty:
        raise DomainError(
            _l("%(sale)s sold no %(part)s.", sale=str(sale), part=ret.part.sku), field="part"
        )
    back_qty, back_value = _returned(session, sale.id, part_id)
    left = sold_qty - back_qty
    if ret.quantity > left:
        raise Conflict(
            _l(
                "More is returned than was sold: %(left)s of %(part)s from %(sale)s can "
                "still come back.",
                left=left.normalize() if left else 0,
                part=ret.part.sku,
                sale=str(sale),
            ),
            field="quantity",
        )
    ret.customer_id = sale.customer_id
    ret.customer = sale.customer
    if ret.quantity == left:
        return sold_value - back_value
    return min((sold_value * ret.quantity / sold_qty).quantize(CENT), sold_value - back_value)


def _refund(ret: PartsReturn, limit: Decimal) -> Decimal:
    """The refund stated (within `limit`), or `limit` when none is stated."""
    stated = money(ret.refund_amount, "refund_amount", label=_l("Refund"), required=False)
    if stated is None:
        return limit
    if stated > limit:
        raise DomainError(
            _l(
                "The refund is at most %(limit)s: the price of what comes back.",
                limit=limit,
            ),
            field="refund_amount",
        )
    return stated


def register_return(session: Session, ret: PartsReturn) -> PartsReturn:
    """Post the returned part to stock (good) or to the quarantine warehouse (damaged),
    with its refund. Against a sale: no more than is left of it, refunded at most at
    its net price; without one, refunded at most at the part's list price (nothing
    unless stated)."""
    ret.quantity = cast(  # required: never None
        Decimal, quantity(ret.quantity, label=_l("Quantity"))
    )
    ret.reason = (ret.reason or "").strip()
    if not ret.reason:
        raise DomainError(_l("Say why the part comes back."), field="reason")
    wh = ret.warehouse or session.get(Warehouse, ret.warehouse_id)
    if ret.condition == "damaged" and wh is not None and wh.kind != "quarantine":
        raise DomainError(_l("A damaged part goes to a quarantine warehouse."), field="warehouse")
    part = ret.part or session.get(Part, ret.part_id)
    if part is None:
        raise DomainError(_l("This field is required."), field="part")
    ret.part = part
    with session.no_autoflush:
        if ret.sale is not None or ret.sale_id is not None:
            ret.refund_amount = _refund(ret, _check_against_sale(session, ret, part.id))
        else:
            list_price = (ret.quantity * (part.sale_price or ZERO)).quantize(CENT)
            stated = ret.refund_amount
            ret.refund_amount = _refund(ret, list_price) if stated is not None else ZERO
    ret.return_date = ret.return_date or date.today()
    session.add(ret)
    session.flush()
    move = post_move(
        session,
        part_id=part.id,
        quantity_=ret.quantity,
        reason="return",
        to_warehouse_id=ret.warehouse.id if ret.warehouse is not None else ret.warehouse_id,
        ref_type="inv_parts_return",
        ref_id=str(ret.id),
        note=ret.reason[:200],
    )
    ret.move_id = move.id
    return ret


# ------------------------------------------------------------------ rules objects


class PartsSaleRules(Rules):
    """A discount between 0 and 100 %, for dealers only; a new sale is a numbered
    quotation; sales are cancelled, never deleted; delivering issues the stock."""

    state_machine = SALE_MACHINE

    def create(self, session, item, actor) -> None:
        create_sale(session, item)

    def update(self, session, item, actor) -> None:
        check_sale(item)

    def delete(self, session, item, actor) -> None:
        raise Conflict(_l("Sales are not deleted: cancel them."))

    def transition(self, session, item, action, comment, actor) -> None:
        transition_sale(session, item, action, comment)


class PartsSaleLineRules(Rules):
    """Lines are added, changed or removed only on a quotation; a part, a quantity
    above zero, a price zero or more (the part's sale price when none is given), a
    discount between 0 and 100 % (the sale's when none is given)."""

    def create(self, session, item, actor) -> None:
        check_sale_line(item)

    update = create

    def delete(self, session, item, actor) -> None:
        _quotation_only(item.sale)


class PartsReturnRules(Rules):
    """See `register_return`; a registered return is neither changed nor deleted."""

    def create(self, session, item, actor) -> None:
        register_return(session, item)

    def update(self, session, item, actor) -> None:
        raise Conflict(_l("A registered return is not changed."))

    def delete(self, session, item, actor) -> None:
        raise Conflict(_l("A registered return is not deleted."))
