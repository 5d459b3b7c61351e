"""The stock ledger: every movement is an append-only StockMove and updates the
balance rows of its warehouses in the same transaction, under a row lock
(SELECT ... FOR UPDATE on PostgreSQL), so balances never go negative."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import current_actor
from app.datamodel import integrity_error
from app.db import ZERO
from app.errors import DomainError, NotFound
from modules.inventory.models import (
    MOVE_REASONS,
    Part,
    Reservation,
    StockBalance,
    StockMove,
    Warehouse,
)

CENT = Decimal("0.01")


@event.listens_for(StockMove, "before_update")
def _never_update(mapper, connection, target):
    raise DomainError(_l("Stock moves are never changed: post a reversal."), status=409)


@event.listens_for(StockMove, "before_delete")
def _never_delete(mapper, connection, target):
    raise DomainError(_l("Stock moves are never deleted: post a reversal."), status=409)


MILLI = Decimal("0.001")
_B = StockBalance.__table__

# Where each reason takes stock from and puts it to.
NEEDS_FROM = {"issue", "transfer", "consumption", "sale"}
NEEDS_TO = {"receipt", "transfer", "return"}


def quantity(value, field: str = "quantity") -> Decimal:
    try:
        q = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_l("Quantity must be a number."), field=field) from None
    if not q.is_finite() or q <= 0:
        raise DomainError(_l("Quantity must be greater than zero."), field=field)
    if q >= Decimal("1e11") or q != q.quantize(MILLI):
        raise DomainError(_l("Quantity has at most 3 decimals and 11 digits."), field=field)
    return q


def _money(value, field: str = "unit_cost") -> Decimal:
    try:
        v = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_l("Unit cost must be a number."), field=field) from None
    if not v.is_finite() or v < 0 or v >= Decimal("1e12"):
        raise DomainError(_l("Unit cost must be zero or more."), field=field)
    return v.quantize(CENT)


def _ensure_balance_row(session: Session, part_id: int, warehouse_id: int) -> None:
    dialect = session.get_bind().dialect.name
    values = {"part_id": part_id, "warehouse_id": warehouse_id, "on_hand": 0, "reserved": 0}
    mod = postgresql if dialect == "postgresql" else sqlite
    session.execute(mod.insert(_B).values(**values).on_conflict_do_nothing())


def balance_of(
    session: Session, part_id: int, warehouse_id: int, lock: bool = False
) -> StockBalance | None:
    """The balance row (one indexed lookup); locked FOR UPDATE when `lock`."""
    stmt = select(StockBalance).where(
        StockBalance.part_id == part_id, StockBalance.warehouse_id == warehouse_id
    )
    if lock:
        stmt = stmt.with_for_update()
        row = session.scalars(stmt.execution_options(populate_existing=True)).first()
        if row is None:
            _ensure_balance_row(session, part_id, warehouse_id)
            row = session.scalars(stmt.execution_options(populate_existing=True)).one()
        return row
    return session.scalars(stmt).first()


def available(session: Session, part_id: int, warehouse_id: int) -> Decimal:
    """On hand less reserved of one part in one warehouse: one indexed lookup."""
    row = session.execute(
        select(StockBalance.on_hand - StockBalance.reserved).where(
            StockBalance.part_id == part_id, StockBalance.warehouse_id == warehouse_id
        )
    ).scalar()
    return row if row is not None else ZERO


def _lock_part(session: Session, part_id: int) -> Part:
    part = session.scalars(
        select(Part)
        .where(Part.id == part_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if part is None:
        raise NotFound(_l("No such part."), field="part")
    return part


def _warehouse(session: Session, warehouse_id, field: str) -> Warehouse:
    if not isinstance(warehouse_id, int) or isinstance(warehouse_id, bool):
        raise DomainError(_l("Not a valid id."), field=field)
    wh = session.get(Warehouse, warehouse_id) if abs(warehouse_id) < 2**31 else None
    if wh is None:
        raise DomainError(_l("No such warehouse."), field=field)
    return wh


def post_move(
    session: Session,
    *,
    part_id: int,
    quantity_: Decimal | str | int,
    reason: str,
    from_warehouse_id: int | None = None,
    to_warehouse_id: int | None = None,
    unit_cost: Decimal | str | None = None,
    ref_type: str | None = None,
    ref_id: str | None = None,
    note: str | None = None,
    reverses_id: int | None = None,
    use_reserved: Decimal = ZERO,
    at=None,
) -> StockMove:
    """Post one movement and update balances; a DomainError writes nothing.

    `use_reserved`: how much of the quantity was reserved (consumption of a
    reservation), taken from the reserved quantity instead of the available one.
    """
    if reason not in MOVE_REASONS:
        raise DomainError(_l("Unknown reason."), field="reason")
    qty = quantity(quantity_)
    if reason == "adjustment":
        if bool(from_warehouse_id) == bool(to_warehouse_id):
            raise DomainError(
                _l("An adjustment takes stock from one warehouse or adds it to one."),
                field="to_warehouse",
            )
    elif reason != "reversal":
        if reason in NEEDS_FROM and not from_warehouse_id:
            raise DomainError(_l("Say which warehouse the stock leaves."), field="from_warehouse")
        if reason in NEEDS_TO and not to_warehouse_id:
            raise DomainError(_l("Say which warehouse receives the stock."), field="to_warehouse")
        if reason not in NEEDS_FROM and from_warehouse_id:
            raise DomainError(
                _l("This kind of movement does not take stock from a warehouse."),
                field="from_warehouse",
            )
        if reason not in NEEDS_TO and to_warehouse_id:
            raise DomainError(
                _l("This kind of movement does not put stock into a warehouse."),
                field="to_warehouse",
            )
    if from_warehouse_id and from_warehouse_id == to_warehouse_id:
        raise DomainError(_l("Source and destination are the same."), field="to_warehouse")
    src = _warehouse(session, from_warehouse_id, "from_warehouse") if from_warehouse_id else None
    dst = _warehouse(session, to_warehouse_id, "to_warehouse") if to_warehouse_id else None
    if not isinstance(part_id, int) or isinstance(part_id, bool) or abs(part_id) >= 2**31:
        raise DomainError(_l("Not a valid id."), field="part")
    part = _lock_part(session, part_id)

    incoming = dst is not None and src is None
    if incoming:
        cost = _money(unit_cost) if unit_cost is not None else (part.avg_cost or ZERO)
        total = session.scalar(
            select(func.coalesce(func.sum(StockBalance.on_hand), 0)).where(
                StockBalance.part_id == part.id
            )
        )
        total = Decimal(total or 0)
        if total + qty > 0:
            part.avg_cost = (
                (total * (part.avg_cost or ZERO) + qty * cost) / (total + qty)
            ).quantize(CENT)
    elif reason == "reversal" and unit_cost is not None and src is not None and dst is None:
        # Undoing a receipt: take its value out again, so the average goes back.
        cost = _money(unit_cost)
        total = Decimal(
            session.scalar(
                select(func.coalesce(func.sum(StockBalance.on_hand), 0)).where(
                    StockBalance.part_id == part.id
                )
            )
            or 0
        )
        if total - qty > 0:
            value = total * (part.avg_cost or ZERO) - qty * cost
            part.avg_cost = max(ZERO, value / (total - qty)).quantize(CENT)
    else:
        cost = part.avg_cost or ZERO

    # Lock balance rows in a fixed order (warehouse id) so two transfers never deadlock.
    rows: dict[int, StockBalance] = {}
    for wh in sorted((w for w in (src, dst) if w is not None), key=lambda w: w.id):
        rows[wh.id] = balance_of(session, part.id, wh.id, lock=True)
    if src is not None:
        bal = rows[src.id]
        use_reserved = min(use_reserved, bal.reserved)
        free = bal.on_hand - bal.reserved
        if qty - use_reserved > free:
            raise DomainError(
                _l(
                    "Not enough stock of %(part)s in %(warehouse)s: %(available)s available, "
                    "%(wanted)s asked.",
                    part=part.sku,
                    warehouse=src.code,
                    available=free.normalize() if free else 0,
                    wanted=qty.normalize(),
                ),
                field="quantity",
                status=409,
            )
        bal.on_hand -= qty
        bal.reserved -= use_reserved
    if dst is not None:
        rows[dst.id].on_hand += qty
    user_id, username = current_actor()
    move = StockMove(
        part_id=part.id,
        from_warehouse_id=src.id if src else None,
        to_warehouse_id=dst.id if dst else None,
        quantity=qty,
        unit_cost=cost,
        reason=reason,
        ref_type=ref_type,
        ref_id=None if ref_id is None else str(ref_id),
        note=note,
        reverses_id=reverses_id,
        user_id=user_id,
        username=username[:100] if username else None,
    )
    if at is not None:
        move.at = at
    session.add(move)
    session.flush()
    return move


def reverse_move(session: Session, move_id: int, note: str | None = None) -> StockMove:
    """Correct a mistake: a line moving the same quantity back, at the same cost.

    A move is reversed once, also when several users reverse it at the same moment:
    the move's row is locked (PostgreSQL) before "already reversed?" is asked, so
    the others wait and then see the reversal (409). Where rows cannot be locked
    (SQLite) the unique `reverses_id` stops the second one: also a 409, and the
    caller rolls the transaction back as for every DomainError."""
    if not isinstance(move_id, int) or isinstance(move_id, bool) or abs(move_id) >= 2**31:
        raise NotFound(_l("No such stock move."))
    move = session.scalars(
        select(StockMove)
        .where(StockMove.id == move_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if move is None:
        raise NotFound(_l("No such stock move."))
    if move.reverses_id is not None:
        raise DomainError(_l("A reversal cannot itself be reversed."), status=409)
    already = DomainError(_l("This move has already been reversed."), status=409)
    done = session.scalar(select(StockMove.id).where(StockMove.reverses_id == move.id))
    if done is not None:
        raise already
    try:
        return post_move(
            session,
            part_id=move.part_id,
            quantity_=move.quantity,
            reason="reversal",
            from_warehouse_id=move.to_warehouse_id,
            to_warehouse_id=move.from_warehouse_id,
            unit_cost=move.unit_cost,
            ref_type="inv_stock_move",
            ref_id=str(move.id),
            note=note,
            reverses_id=move.id,
        )
    except IntegrityError as exc:
        session.rollback()
        if session.scalar(select(StockMove.id).where(StockMove.reverses_id == move_id)):
            raise already from None
        raise integrity_error(exc) from None


# ------------------------------------------------------------- reservations


def reserve(
    session: Session,
    part_id: int,
    warehouse_id: int,
    qty,
    ref_type: str,
    ref_id,
) -> Reservation:
    """Hold `qty` of a part in a warehouse for a document; refused beyond availability."""
    qty = quantity(qty)
    if not ref_type or ref_id in (None, ""):
        raise DomainError(_l("A reservation needs the document it is for."), field="ref_id")
    wh = _warehouse(session, warehouse_id, "warehouse")
    part = _lock_part(session, part_id)
    bal = balance_of(session, part.id, wh.id, lock=True)
    if bal.on_hand - bal.reserved < qty:
        raise DomainError(
            _l(
                "Not enough stock of %(part)s in %(warehouse)s to reserve %(wanted)s.",
                part=part.sku,
                warehouse=wh.code,
                wanted=qty.normalize(),
            ),
            field="quantity",
            status=409,
        )
    bal.reserved += qty
    res = Reservation(
        part_id=part.id,
        warehouse_id=wh.id,
        quantity=qty,
        ref_type=ref_type,
        ref_id=str(ref_id),
        state="active",
    )
    session.add(res)
    session.flush()
    return res


def _active_reservations(session: Session, ref_type: str, ref_id, part_id=None):
    stmt = select(Reservation).where(
        Reservation.ref_type == ref_type,
        Reservation.ref_id == str(ref_id),
        Reservation.state == "active",
    )
    if part_id is not None:
        stmt = stmt.where(Reservation.part_id == part_id)
    return session.scalars(stmt.order_by(Reservation.id)).all()


def release(session: Session, ref_type: str, ref_id, part_id: int | None = None) -> Decimal:
    """Give back what a document holds (all its parts, or one). Returns the quantity."""
    total = ZERO
    for res in _active_reservations(session, ref_type, ref_id, part_id):
        bal = balance_of(session, res.part_id, res.warehouse_id, lock=True)
        bal.reserved = max(ZERO, bal.reserved - res.quantity)
        res.state = "released"
        total += res.quantity
    return total


def consume(session: Session, ref_type: str, ref_id, part_id: int | None = None) -> list:
    """Issue what a document reserved (a technician used the parts): moves, reason consumption."""
    moves = []
    reservations = _active_reservations(session, ref_type, ref_id, part_id)
    if not reservations:
        raise DomainError(_l("Nothing is reserved for this document."), status=409)
    for res in reservations:
        moves.append(
            post_move(
                session,
                part_id=res.part_id,
                quantity_=res.quantity,
                reason="consumption",
                from_warehouse_id=res.warehouse_id,
                ref_type=ref_type,
                ref_id=str(ref_id),
                use_reserved=res.quantity,
            )
        )
        res.state = "consumed"
    return moves


def on_hand_by_warehouse(session: Session, part_ids: list[int]) -> dict[int, list]:
    """{part id: [(warehouse, on hand, reserved, available)]} in one statement."""
    out: dict[int, list] = {pid: [] for pid in part_ids}
    if not part_ids:
        return out
    rows = session.execute(
        select(StockBalance, Warehouse)
        .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
        .where(StockBalance.part_id.in_(part_ids))
        .order_by(Warehouse.code)
    ).all()
    for bal, wh in rows:
        out[bal.part_id].append(
            {
                "warehouse_id": wh.id,
                "warehouse": wh.code,
                "on_hand": bal.on_hand,
                "reserved": bal.reserved,
                "available": bal.on_hand - bal.reserved,
            }
        )
    return out


def reserved_warehouses(session: Session, ref_type: str, ref_id) -> set[int]:
    return {r.warehouse_id for r in _active_reservations(session, ref_type, ref_id)}
