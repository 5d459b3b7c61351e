"""The stock ledger: every movement is an append-only StockMove and updates the
balance rows of its warehouses in the same transaction, so balances never go
negative, also under concurrent writers: on PostgreSQL the part's row and the
balance rows are locked (SELECT ... FOR NO KEY UPDATE, which rows referencing them
do not wait for), on SQLite a writing transaction holds the database's write lock
from its start (app.db: BEGIN IMMEDIATE)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, overload

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.amounts import money, quantity
from app.audit import current_actor
from app.datamodel import integrity_error
from app.db import ZERO
from app.errors import Conflict, DomainError, NotFound
from app.rules import Rules
from app.security import WRITE
from modules.inventory.models import (
    MOVE_REASONS,
    Part,
    Reservation,
    StockBalance,
    StockMove,
    Warehouse,
)

__all__ = ["quantity"]  # re-exported: other modules read quantities with it

CENT = Decimal("0.01")


@event.listens_for(StockMove, "before_update")
def _never_update(mapper, connection, target):
    raise DomainError(_l("Stock moves are never changed: post a reversal."), status=409)


@event.listens_for(StockMove, "before_delete")
def _never_delete(mapper, connection, target):
    raise DomainError(_l("Stock moves are never deleted: post a reversal."), status=409)


_B = StockBalance.__table__

# Where each reason takes stock from and puts it to.
NEEDS_FROM = {"issue", "transfer", "consumption", "sale"}
NEEDS_TO = {"receipt", "transfer", "return"}


def _unit_cost(value) -> Decimal:
    return money(value, "unit_cost")


def _ensure_balance_row(session: Session, part_id: int, warehouse_id: int) -> None:
    dialect = session.get_bind().dialect.name
    values = {"part_id": part_id, "warehouse_id": warehouse_id, "on_hand": 0, "reserved": 0}
    mod = postgresql if dialect == "postgresql" else sqlite
    session.execute(mod.insert(_B).values(**values).on_conflict_do_nothing())


@overload
def balance_of(
    session: Session, part_id: int, warehouse_id: int, lock: Literal[True]
) -> StockBalance: ...
@overload
def balance_of(
    session: Session, part_id: int, warehouse_id: int, lock: bool = False
) -> StockBalance | None: ...
def balance_of(
    session: Session, part_id: int, warehouse_id: int, lock: bool = False
) -> StockBalance | None:
    """The balance row (one indexed lookup); locked (and read afresh) when `lock`, and
    then created (empty) when missing, so never None."""
    stmt = select(StockBalance).where(
        StockBalance.part_id == part_id, StockBalance.warehouse_id == warehouse_id
    )
    if lock:
        stmt = stmt.with_for_update(key_share=True)
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


def _valid_id(value, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= 2**31:
        raise DomainError(_l("Not a valid id."), field=field)
    return value


def _lock_part(session: Session, part_id) -> Part:
    """The part's row, locked and read afresh: moves of one part queue here (its
    average cost is theirs to change)."""
    part = session.scalars(
        select(Part)
        .where(Part.id == _valid_id(part_id, "part"))
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).first()
    if part is None:
        raise NotFound(_l("No such part."), field="part")
    return part


def _warehouse(session: Session, warehouse_id, field: str) -> Warehouse:
    wh = session.get(Warehouse, _valid_id(warehouse_id, field))
    if wh is None:
        raise DomainError(_l("No such warehouse."), field=field)
    return wh


# ------------------------------------------------------------- posting a move


def _check_route(reason: str, from_id, to_id) -> None:
    """The warehouses a kind of movement needs: an issue leaves one, a receipt enters
    one, a transfer does both, an adjustment one of them; a reversal mirrors its move."""
    if reason not in MOVE_REASONS:
        raise DomainError(_l("Unknown reason."), field="reason")
    if reason == "adjustment":
        if bool(from_id) == bool(to_id):
            raise DomainError(
                _l("An adjustment takes stock from one warehouse or adds it to one."),
                field="to_warehouse",
            )
    elif reason != "reversal":
        _check_legs(reason, from_id, to_id)
    if from_id and from_id == to_id:
        raise DomainError(_l("Source and destination are the same."), field="to_warehouse")


def _check_legs(reason: str, from_id, to_id) -> None:
    if reason in NEEDS_FROM and not from_id:
        raise DomainError(_l("Say which warehouse the stock leaves."), field="from_warehouse")
    if reason in NEEDS_TO and not to_id:
        raise DomainError(_l("Say which warehouse receives the stock."), field="to_warehouse")
    if reason not in NEEDS_FROM and from_id:
        raise DomainError(
            _l("This kind of movement does not take stock from a warehouse."),
            field="from_warehouse",
        )
    if reason not in NEEDS_TO and to_id:
        raise DomainError(
            _l("This kind of movement does not put stock into a warehouse."),
            field="to_warehouse",
        )


def _total_on_hand(session: Session, part_id: int) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(StockBalance.on_hand), 0)).where(
            StockBalance.part_id == part_id
        )
    )
    return Decimal(total or 0)


def _value_move(session: Session, part: Part, reason: str, qty: Decimal, unit_cost, src, dst):
    """(the move's unit cost, the part's moving average cost after it or None when
    unchanged). Stock coming in (from no warehouse) enters at its own cost (the
    part's average when none is given) and moves the average; undoing a receipt takes
    its value out again, so the average goes back; every other move goes at the
    average."""
    avg = part.avg_cost or ZERO
    if dst is not None and src is None:
        cost = _unit_cost(unit_cost) if unit_cost is not None else avg
        total = _total_on_hand(session, part.id)
        if total + qty > 0:
            return cost, ((total * avg + qty * cost) / (total + qty)).quantize(CENT)
        return cost, None
    if reason == "reversal" and unit_cost is not None and src is not None and dst is None:
        cost = _unit_cost(unit_cost)
        total = _total_on_hand(session, part.id)
        if total - qty > 0:
            return cost, max(ZERO, (total * avg - qty * cost) / (total - qty)).quantize(CENT)
        return cost, None
    return avg, None


def _not_enough(part: Part, wh: Warehouse, free: Decimal, qty: Decimal) -> DomainError:
    return DomainError(
        _l(
            "Not enough stock of %(part)s in %(warehouse)s: %(available)s available, "
            "%(wanted)s asked.",
            part=part.sku,
            warehouse=wh.code,
            available=free.normalize() if free else 0,
            wanted=qty.normalize(),
        ),
        field="quantity",
        status=409,
    )


def _move_balances(session: Session, part: Part, qty: Decimal, src, dst, use_reserved) -> None:
    """Take `qty` out of `src` (refused beyond what is free there, plus the reserved
    `use_reserved` it consumes) and put it into `dst`. The balance rows are locked in
    a fixed order (warehouse id), so two transfers never deadlock."""
    rows: dict[int, StockBalance] = {}
    for wh in sorted((w for w in (src, dst) if w is not None), key=lambda w: w.id):
        rows[wh.id] = balance_of(session, part.id, wh.id, lock=True)
    if src is not None:
        bal = rows[src.id]
        use_reserved = min(use_reserved, bal.reserved)
        free = bal.on_hand - bal.reserved
        if qty - use_reserved > free:
            raise _not_enough(part, src, free, qty)
        bal.on_hand -= qty
        bal.reserved -= use_reserved
    if dst is not None:
        rows[dst.id].on_hand += qty


def _leg(move: StockMove, name: str):
    """The id a move's relation `name` names (the object set by a form, or its key)."""
    related = getattr(move, name)
    return related.id if related is not None else getattr(move, f"{name}_id")


def book(session: Session, move: StockMove, use_reserved: Decimal = ZERO) -> StockMove:
    """Post a movement not yet stored (built by a screen, the API or `post_move`):
    checked, valued, the balances moved, written. A DomainError writes nothing.

    `use_reserved`: how much of the quantity was reserved (consumption of a
    reservation), taken from the reserved quantity instead of the available one."""
    from_id, to_id = _leg(move, "from_warehouse"), _leg(move, "to_warehouse")
    _check_route(move.reason, from_id, to_id)
    qty = quantity(move.quantity)
    src = _warehouse(session, from_id, "from_warehouse") if from_id else None
    dst = _warehouse(session, to_id, "to_warehouse") if to_id else None
    part = _lock_part(session, _leg(move, "part"))
    cost, new_avg = _value_move(session, part, move.reason, qty, move.unit_cost, src, dst)
    _move_balances(session, part, qty, src, dst, use_reserved)
    if new_avg is not None:
        part.avg_cost = new_avg
    user_id, username = current_actor()
    move.part, move.from_warehouse, move.to_warehouse = part, src, dst
    move.quantity, move.unit_cost = qty, cost
    move.ref_id = None if move.ref_id is None else str(move.ref_id)
    move.user_id, move.username = user_id, username[:100] if username else None
    session.add(move)
    session.flush()
    return move


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
    """Post one movement and update balances (see `book`); a DomainError writes nothing."""
    move = StockMove(
        part_id=part_id,
        from_warehouse_id=from_warehouse_id,
        to_warehouse_id=to_warehouse_id,
        quantity=quantity_,
        unit_cost=unit_cost,
        reason=reason,
        ref_type=ref_type,
        ref_id=ref_id,
        note=note,
        reverses_id=reverses_id,
    )
    if at is not None:
        move.at = at
    return book(session, move, use_reserved)


class StockMoveRules(Rules):
    """The ledger: a move is posted (checked, valued, balances moved, never below
    zero), never changed or deleted; a reversal comes from the move it corrects."""

    def create(self, session, item, actor) -> None:
        if item.reason not in MOVE_REASONS or item.reason == "reversal":
            raise DomainError(
                _l(
                    "Unknown reason; use one of: %(values)s.",
                    values=", ".join(MOVE_REASONS.values[:-1]),
                ),
                field="reason",
            )
        book(session, item)

    def update(self, session, item, actor) -> None:
        raise Conflict(_l("Stock moves are never changed: post a reversal."))

    def delete(self, session, item, actor) -> None:
        raise Conflict(_l("Stock moves are never deleted: post a reversal."))


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
        .with_for_update(key_share=True)
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


def _active_reservations(session: Session, ref_type: str, ref_id, part_id=None, lock=False):
    """A document's active reservations; `lock`: locked and read afresh, so two
    requests releasing or consuming the same ones take turns and the second finds
    them no longer active."""
    stmt = select(Reservation).where(
        Reservation.ref_type == ref_type,
        Reservation.ref_id == str(ref_id),
        Reservation.state == "active",
    )
    if part_id is not None:
        stmt = stmt.where(Reservation.part_id == part_id)
    stmt = stmt.order_by(Reservation.id)
    if lock:
        stmt = stmt.with_for_update(key_share=True).execution_options(populate_existing=True)
    return session.scalars(stmt).all()


def release(session: Session, ref_type: str, ref_id, part_id: int | None = None) -> Decimal:
    """Give back what a document holds (all its parts, or one). Returns the quantity."""
    total = ZERO
    for res in _active_reservations(session, ref_type, ref_id, part_id, lock=True):
        bal = balance_of(session, res.part_id, res.warehouse_id, lock=True)
        bal.reserved = max(ZERO, bal.reserved - res.quantity)
        res.state = "released"
        total += res.quantity
    return total


def consume(session: Session, ref_type: str, ref_id, part_id: int | None = None) -> list:
    """Issue what a document reserved (a technician used the parts): moves, reason consumption."""
    moves = []
    reservations = _active_reservations(session, ref_type, ref_id, part_id, lock=True)
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


def check_own_warehouse(session: Session, warehouse_id: int, actor) -> None:
    """A technician consumes from the workshop, or from his own van (or the van of a
    colleague he stands in for)."""
    wh = _warehouse(session, warehouse_id, "warehouse")
    if wh.kind == "workshop" or (
        wh.kind == "van" and wh.user_id is not None and wh.user_id in _acting_for(actor)
    ):
        return
    raise DomainError(
        _l("You consume parts from the workshop or your own van only."),
        field="warehouse",
        status=403,
    )


def _acting_for(actor) -> set[int]:
    return {*actor.acting_for, *([actor.user_id] if actor.user_id is not None else [])}


def consume_for_work(
    session: Session,
    actor,
    ref_type: str,
    ref_id: str,
    part_id: int | None = None,
    warehouse_id: int | None = None,
    qty=None,
) -> list[StockMove]:
    """Parts used for a piece of work (a repair, a visit): without `qty`, what the
    document reserved (of one part, or all); with it, that quantity of a part straight
    from a warehouse. Who may not move stock (a technician) consumes only from the
    workshop or his own van."""
    if not (ref_type or "").strip() or not (ref_id or "").strip():
        raise DomainError(_l("Both ref_type and ref_id are required."), field="ref_id")
    own_only = not actor.can(WRITE, "StockMove")
    if qty is None:
        if own_only:
            for wh_id in reserved_warehouses(session, ref_type, ref_id):
                check_own_warehouse(session, wh_id, actor)
        return consume(session, ref_type, ref_id, part_id)
    if warehouse_id is None:
        raise DomainError(_l("This field is required."), field="warehouse")
    if part_id is None:
        raise DomainError(_l("This field is required."), field="part")
    if own_only:
        check_own_warehouse(session, warehouse_id, actor)
    move = post_move(
        session,
        part_id=part_id,
        quantity_=qty,
        reason="consumption",
        from_warehouse_id=warehouse_id,
        ref_type=ref_type,
        ref_id=ref_id,
    )
    return [move]
