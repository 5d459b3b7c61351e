"""Purchasing: supplier price breaks, purchase orders and their receipts, replenishment."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_CEILING, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from app.db import ZERO
from app.errors import DomainError
from app.numbering import next_number
from app.statemachine import StateMachine, Transition
from modules.inventory.models import (
    PO_STATES,
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderRule,
    StockBalance,
    SupplierPrice,
)
from modules.inventory.services.stock import post_move, quantity

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
    if sp.min_qty is None or sp.min_qty <= 0:
        raise DomainError(_l("The quantity break must be greater than zero."), field="min_qty")
    if sp.price is None or sp.price < 0:
        raise DomainError(_l("Prices cannot be negative."), field="price")
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
    if order.state and order.state != PO_MACHINE.initial:
        raise DomainError(_l("A new purchase order starts as a draft."), field="state")
    check_order(order)
    order.order_date = order.order_date or date.today()
    order.number = next_number(session, "PO", order.order_date)
    session.add(order)
    PO_MACHINE.start(session, order)
    return order


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
    for previous in inspect(line).attrs.order.history.deleted or ():
        _draft_only(previous)
    if line.part_id is None and line.part is None:
        raise DomainError(_l("This field is required."), field="part")
    line.quantity = quantity(line.quantity)
    if line.unit_price is None or line.unit_price < 0:
        raise DomainError(_l("Prices cannot be negative."), field="unit_price")
    line.received_qty = line.received_qty or ZERO


def check_line_removal(line: PurchaseOrderLine) -> None:
    _draft_only(line.order)


def default_price(session: Session, order: PurchaseOrder, part: Part, qty: Decimal) -> Decimal:
    """The order supplier's price for this quantity, else the part's cost."""
    best = price_for(session, part.id, qty, order.supplier_id)
    return best.price if best else (part.cost or ZERO)


def set_order_lines(session: Session, order: PurchaseOrder, items: list[dict]) -> None:
    """Replace a draft order's lines with `items` ({id, part_id, quantity, unit_price},
    None where not given): an item with the id of one of the order's lines changes
    that line, one without an id adds a line, and lines left out are removed. A price
    not given is the supplier's price for the quantity (else the part's cost) for a new
    line or one whose part or quantity changes; an unchanged line keeps its price."""
    _draft_only(order)
    with session.no_autoflush:  # a line being built is not flushed half-made
        existing = {ln.id: ln for ln in order.lines}
        kept: set[int] = set()
        for item in items:
            if item["id"] is not None:
                line = existing.get(item["id"])
                if line is None or line.id in kept:
                    raise DomainError(_l("No such line in this order."), field="lines")
                kept.add(line.id)
            else:
                line = PurchaseOrderLine(received_qty=ZERO)
                order.lines.append(line)
            repriced = line.id is None
            if item["part_id"] is not None and item["part_id"] != line.part_id:
                line.part = session.get(Part, item["part_id"])
                repriced = True
            if item["quantity"] is not None and item["quantity"] != line.quantity:
                line.quantity = item["quantity"]
                repriced = True
            if item["unit_price"] is not None:
                line.unit_price = item["unit_price"]
            elif repriced:
                line.unit_price = default_price(session, order, line.part, line.quantity)
            check_order_line(line)
        for line in list(order.lines):
            if line.id is not None and line.id not in kept:
                order.lines.remove(line)  # delete-orphan: the line is deleted


def transition_order(session: Session, order: PurchaseOrder, action: str, comment=None) -> None:
    if action in ("receive", "receive_part"):
        receive(session, order, None)
        return
    if action == "send" and not order.lines:
        raise DomainError(_l("An order without lines cannot be sent."), status=409)
    PO_MACHINE.apply(session, order, action, comment)


def receive(session: Session, order: PurchaseOrder, quantities: dict[int, object] | None):
    """Receive lines (all outstanding when `quantities` is None) into the order's
    warehouse at the order's price; refuses more than ordered."""
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
        qty = quantity(raw)
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
    if rule.min_qty is None or rule.min_qty < 0:
        raise DomainError(_l("The minimum cannot be negative."), field="min_qty")
    if rule.max_qty is None or rule.max_qty < rule.min_qty:
        raise DomainError(_l("The maximum must be at least the minimum."), field="max_qty")
