"""Purchasing: supplier price breaks, purchase orders and their receipts, replenishment."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import InstanceState, Session

from app.amounts import money, quantity
from app.db import ZERO
from app.errors import Conflict, DomainError
from app.numbering import next_number
from app.rules import Rules
from app.statemachine import StateMachine, Transition, lock
from modules.inventory.models import (
    PO_STATES,
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderRule,
    StockBalance,
    SupplierPrice,
)
from modules.inventory.services.stock import post_move

PO_MACHINE = StateMachine(
    doc_type="inv_purchase_order",
    states=PO_STATES.labels,
    transitions=[
        Transition("send", ("draft",), "sent", _l("Send")),
        Transition("receive_part", ("sent", "partially_received"), "partially_received"),
        Transition("receive", ("sent", "partially_received"), "received", _l("Receive all")),
        Transition("cancel", ("draft", "sent"), "cancelled", _l("Cancel")),
    ],
    initial="draft",
)


def check_supplier_price(sp: SupplierPrice) -> None:
    if sp.supplier is not None and not sp.supplier.is_supplier:
        raise DomainError(_l("This partner is not a supplier."), field="supplier")
    # required: never None
    sp.min_qty = quantity(sp.min_qty, "min_qty", label=_l("Minimum"))
    sp.price = money(sp.price, "price", label=_l("Price"))
    if sp.lead_time_days is not None and sp.lead_time_days < 0:
        raise DomainError(_l("Lead time cannot be negative."), field="lead_time_days")


def price_for(
    session: Session, part_id: int, qty: Decimal, supplier_id: int | None = None
) -> SupplierPrice | None:
    """The cheapest price break applying to `qty` (of one supplier, or of any)."""
    stmt = select(SupplierPrice).where(
        SupplierPrice.part_id == part_id, SupplierPrice.min_qty <= qty
    )
    if supplier_id is not None:
        stmt = stmt.where(SupplierPrice.supplier_id == supplier_id)
    return session.scalars(
        stmt.order_by(SupplierPrice.price, SupplierPrice.min_qty.desc(), SupplierPrice.id)
    ).first()


def check_order(order: PurchaseOrder) -> None:
    if order.supplier is not None and not order.supplier.is_supplier:
        raise DomainError(_l("This partner is not a supplier."), field="supplier")
    if order.expected_date and order.order_date and order.expected_date < order.order_date:
        raise DomainError(
            _l("The expected date cannot be before the order date."), field="expected_date"
        )


def create_order(session: Session, order: PurchaseOrder) -> PurchaseOrder:
    """A new order: a draft, numbered; the `line_items` of an API body become its lines."""
    if order.state and order.state != PO_MACHINE.initial:
        raise DomainError(_l("A new purchase order starts as a draft."), field="state")
    check_order(order)
    order.order_date = order.order_date or date.today()
    order.number = next_number(session, "PO", order.order_date)
    session.add(order)
    PO_MACHINE.start(session, order)
    if order.line_items:
        set_order_lines(session, order, order.line_items)
    return order


def update_order(session: Session, order: PurchaseOrder) -> None:
    """A changed order: never once closed; its `line_items` (an API body's complete new
    set of lines, None when not given) replace the lines of a draft."""
    if order.state in ("received", "cancelled"):
        raise Conflict(_l("A closed order cannot be changed."))
    check_order(order)
    if order.line_items is not None:
        set_order_lines(session, order, order.line_items)


def check_order_removal(order: PurchaseOrder) -> None:
    if order.state != "draft":
        raise Conflict(_l("Only a draft order can be deleted; cancel it."))


def _draft_only(order: PurchaseOrder | None) -> None:
    if order is not None and order.state != "draft":
        raise DomainError(
            _l(
                "Lines can be added, changed or removed only while the order is a draft; "
                "%(order)s is %(state)s.",
                order=str(order),
                state=PO_STATES.label(order.state),
            ),
            field="lines",
            status=409,
        )


def check_order_line(line: PurchaseOrderLine) -> None:
    """A line added or changed: its order (and the one it came from) must be a draft."""
    _draft_only(line.order)
    state: InstanceState[PurchaseOrderLine] = inspect(line)
    for previous in state.attrs.order.history.deleted or ():
        _draft_only(previous)
    if line.part_id is None and line.part is None:
        raise DomainError(_l("This field is required."), field="part")
    # required: never None
    line.quantity = quantity(line.quantity, label=_l("Quantity"))
    line.unit_price = money(line.unit_price, "unit_price", label=_l("Unit price"))
    line.received_qty = line.received_qty or ZERO


def check_line_removal(line: PurchaseOrderLine) -> None:
    _draft_only(line.order)


def default_price(session: Session, order: PurchaseOrder, part: Part, qty: Decimal) -> Decimal:
    """The order supplier's price for this quantity, else the part's cost."""
    best = price_for(session, part.id, qty, order.supplier_id)
    return best.price if best else (part.cost or ZERO)


def line_part(session: Session, part_id) -> Part:
    """The part a line of an API body names (an existing one)."""
    part = session.get(Part, part_id) if isinstance(part_id, int) else None
    if part is None:
        raise DomainError(_l("The referenced record does not exist."), field="part")
    return part


def set_order_lines(session: Session, order: PurchaseOrder, items: list[dict]) -> None:
    """Replace a draft order's lines with `items` ({id, part_id, quantity, unit_price},
    absent or None where not given): an item with the id of one of the order's lines
    changes that line, one without an id adds a line (part and quantity required), and
    lines left out are removed. A price not given is the supplier's price for the
    quantity (else the part's cost) for a new line or one whose part or quantity
    changes; an unchanged line keeps its price."""
    _draft_only(order)
    with session.no_autoflush:  # a line being built is not flushed half-made
        existing = {ln.id: ln for ln in order.lines if ln.id is not None}
        kept: set[int] = set()
        for item in items:
            line_id, part_id = item.get("id"), item.get("part_id")
            qty, price = item.get("quantity"), item.get("unit_price")
            if line_id is not None:
                line = existing.get(line_id)
                if line is None or line.id in kept:
                    raise DomainError(_l("No such line in this order."), field="lines")
                kept.add(line.id)
            else:
                if part_id is None:
                    raise DomainError(_l("This field is required."), field="part")
                if qty is None:
                    raise DomainError(_l("This field is required."), field="quantity")
                line = PurchaseOrderLine(received_qty=ZERO)
                order.lines.append(line)
            repriced = line.id is None
            if part_id is not None and part_id != line.part_id:
                line.part = line_part(session, part_id)
                repriced = True
            if qty is not None and qty != line.quantity:
                line.quantity = qty
                repriced = True
            if price is not None:
                line.unit_price = price
            elif repriced:
                line.unit_price = default_price(session, order, line.part, line.quantity)
            check_order_line(line)
        for line in list(order.lines):
            if line.id is not None and line.id not in kept:
                order.lines.remove(line)  # delete-orphan: the line is deleted


def transition_order(session: Session, order: PurchaseOrder, action: str, comment=None) -> None:
    """A step of the order's life. The order is locked and read afresh first: of two
    users sending (or receiving) it at once, the second waits and is refused."""
    if action in ("receive", "receive_part"):
        receive(session, order, None)
        return
    lock(session, order)
    if action == "send" and not order.lines:
        raise DomainError(_l("An order without lines cannot be sent."), status=409)
    PO_MACHINE.apply(session, order, action, comment)


def receive(session: Session, order: PurchaseOrder, quantities: dict[int, object] | None):
    """Receive lines (all outstanding when `quantities` is None) into the order's
    warehouse at the order's price; refuses more than ordered. The order is locked
    and read afresh first, so two receipts at once never receive a line twice."""
    lock(session, order)
    if order.state not in ("sent", "partially_received"):
        PO_MACHINE.apply(session, order, "receive")  # raises the illegal-step error
    lines = {ln.id: ln for ln in order.lines}
    if quantities is None:
        quantities = {ln.id: ln.outstanding for ln in order.lines if ln.outstanding > 0}
    if not quantities:
        raise DomainError(_l("Nothing to receive."), status=409)
    moves = []
    for line_id, raw in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise DomainError(_l("No such line in this order."), field="lines")
        qty = quantity(raw, label=_l("Quantity"))
        if qty > line.outstanding:
            raise DomainError(
                _l(
                    "%(part)s: %(wanted)s received but only %(left)s outstanding.",
                    part=line.part.sku,
                    wanted=qty.normalize(),
                    left=line.outstanding.normalize(),
                ),
                field="lines",
                status=409,
            )
        line.received_qty = (line.received_qty or ZERO) + qty
        moves.append(
            post_move(
                session,
                part_id=line.part_id,
                quantity_=qty,
                reason="receipt",
                to_warehouse_id=order.warehouse_id,
                unit_cost=line.unit_price,
                ref_type="inv_purchase_order",
                ref_id=str(order.id),
            )
        )
    done = all(ln.outstanding <= 0 for ln in order.lines)
    PO_MACHINE.apply(session, order, "receive" if done else "receive_part")
    return moves


# ------------------------------------------------------------- replenishment


def _round_up(qty: Decimal, moq: Decimal) -> Decimal:
    if moq and moq > 0 and qty % moq:
        return (qty / moq).to_integral_value(rounding=ROUND_CEILING) * moq
    return qty


def on_order(session: Session) -> dict[tuple[int, int], Decimal]:
    rows = session.execute(
        select(
            PurchaseOrderLine.part_id,
            PurchaseOrder.warehouse_id,
            func.sum(PurchaseOrderLine.quantity - PurchaseOrderLine.received_qty),
        )
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
        .where(PurchaseOrder.state.in_(("draft", "sent", "partially_received")))
        .group_by(PurchaseOrderLine.part_id, PurchaseOrder.warehouse_id)
    ).all()
    return {(p, w): Decimal(q or 0) for p, w, q in rows}


def replenishment(session: Session) -> list[dict]:
    """Rules whose position (available + on order) is at or below min: what to order.

    Reserved stock counts as demand (it lowers the available quantity)."""
    rules = session.execute(
        select(ReorderRule, Part, StockBalance)
        .join(Part, Part.id == ReorderRule.part_id)
        .outerjoin(
            StockBalance,
            (StockBalance.part_id == ReorderRule.part_id)
            & (StockBalance.warehouse_id == ReorderRule.warehouse_id),
        )
        .where(ReorderRule.active.is_(True), Part.active.is_(True))
        .order_by(Part.sku)
    ).all()
    incoming = on_order(session)
    out = []
    for rule, part, bal in rules:
        on_hand = bal.on_hand if bal else ZERO
        reserved = bal.reserved if bal else ZERO
        ordered = incoming.get((part.id, rule.warehouse_id), ZERO)
        position = on_hand - reserved + ordered
        if position > rule.min_qty:
            continue
        qty = _round_up(rule.max_qty - position, part.min_order_qty or Decimal("1"))
        if qty <= 0:
            continue
        best = price_for(session, part.id, qty)
        supplier_id = best.supplier_id if best else part.supplier_id
        out.append(
            {
                "rule_id": rule.id,
                "part_id": part.id,
                "sku": part.sku,
                "name": part.name,
                "warehouse_id": rule.warehouse_id,
                "on_hand": on_hand,
                "reserved": reserved,
                "on_order": ordered,
                "min_qty": rule.min_qty,
                "max_qty": rule.max_qty,
                "quantity": qty,
                "supplier_id": supplier_id,
                "unit_price": best.price if best else (part.cost or ZERO),
            }
        )
    return out


def create_replenishment_orders(session: Session, rule_ids=None) -> list[PurchaseOrder]:
    """Draft purchase orders for the suggestions, one per supplier and warehouse."""
    rows = replenishment(session)
    if rule_ids is not None:
        wanted = set(rule_ids)
        rows = [r for r in rows if r["rule_id"] in wanted]
    rows = [r for r in rows if r["supplier_id"]]
    if not rows:
        raise DomainError(_l("Nothing to order: no suggestion has a supplier."), status=409)
    groups: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["supplier_id"], r["warehouse_id"])].append(r)
    orders = []
    for (supplier_id, warehouse_id), items in sorted(groups.items()):
        order = PurchaseOrder(supplier_id=supplier_id, warehouse_id=warehouse_id)
        create_order(session, order)
        for r in items:
            order.lines.append(
                PurchaseOrderLine(
                    part_id=r["part_id"],
                    quantity=r["quantity"],
                    unit_price=r["unit_price"],
                    received_qty=ZERO,
                )
            )
        orders.append(order)
    session.flush()
    return orders


def check_reorder_rule(rule: ReorderRule) -> None:
    # required: never None
    rule.min_qty = cast(
        Decimal, quantity(rule.min_qty, "min_qty", label=_l("Minimum"), positive=False)
    )
    rule.max_qty = cast(
        Decimal, quantity(rule.max_qty, "max_qty", label=_l("Maximum"), positive=False)
    )
    if rule.max_qty < rule.min_qty:
        raise DomainError(_l("The maximum must be at least the minimum."), field="max_qty")


# ------------------------------------------------------------- rules objects


class ReorderRuleRules(Rules):
    """Minimum zero or more, maximum at least the minimum."""

    def create(self, session, item, actor) -> None:
        check_reorder_rule(item)

    update = create


class SupplierPriceRules(Rules):
    """A supplier that is one, a quantity break above zero, a price zero or more, a
    lead time zero or more."""

    def create(self, session, item, actor) -> None:
        check_supplier_price(item)

    update = create


class PurchaseOrderRules(Rules):
    """A supplier that is one, expected no earlier than ordered; a new order is a
    numbered draft; a closed order (received, cancelled) is not changed; only a draft
    is deleted (cancel the others); lines change only on a draft."""

    state_machine = PO_MACHINE

    def create(self, session, item, actor) -> None:
        create_order(session, item)

    def update(self, session, item, actor) -> None:
        update_order(session, item)

    def delete(self, session, item, actor) -> None:
        check_order_removal(item)

    def transition(self, session, item, action, comment, actor) -> None:
        transition_order(session, item, action, comment)


class PurchaseOrderLineRules(Rules):
    """A line is added, changed or removed only while its order is a draft; a part, a
    quantity above zero and a price zero or more."""

    def create(self, session, item, actor) -> None:
        check_order_line(item)

    update = create

    def delete(self, session, item, actor) -> None:
        check_line_removal(item)
