"""Explicit state machines for documents with a life (repairs, claims, orders...).

A machine is declared once per document type: its states, and the allowed
transitions in one table. `apply()` is the only way a document changes state:
it refuses an illegal step with a DomainError and records every step (who,
when, from, to, comment) in `core_state_transition`.

A step holds under concurrency on both databases: the document's row moves from
the state it was read in only if it is still in it (`UPDATE ... WHERE state =
<read>`, one row or none), so of two users sending the same order at the same
moment one succeeds and the other gets the 409 of an illegal step, and the step
is recorded once. A service whose step does more than change the state (stock
posted on delivery) calls `lock(session, doc)` first: the row is locked and read
afresh, so the second user waits and then sees the first one's work.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from app.audit import current_actor
from app.errors import DomainError
from app.models import StateTransition


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: object = None
    needs_comment: bool = False


@dataclass
class StateMachine:
    doc_type: str
    states: dict[str, object]  # state -> translatable label
    transitions: list[Transition]
    initial: str
    field: str = "state"
    _by_name: dict[str, Transition] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {}
        for t in self.transitions:
            unknown = {*t.sources, t.target} - set(self.states)
            if unknown:
                raise ValueError(f"{self.doc_type}: unknown states {sorted(unknown)} in {t.name}")
            self._by_name[t.name] = t
        if self.initial not in self.states:
            raise ValueError(f"{self.doc_type}: unknown initial state {self.initial}")

    @property
    def choices(self) -> list[tuple[str, object]]:
        return list(self.states.items())

    def label(self, state: str) -> object:
        return self.states.get(state, state)

    def allowed(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise DomainError(_l("Unknown action: %(name)s", name=name), status=400) from None

    def _illegal(self, t: Transition, state: str) -> DomainError:
        return DomainError(
            _l(
                "Cannot %(action)s a document in state “%(state)s”.",
                action=str(t.label or t.name).lower(),
                state=self.label(state),
            ),
            status=409,
        )

    def apply(self, session: Session, doc, name: str, comment: str | None = None) -> Transition:
        t = self.transition(name)
        current = getattr(doc, self.field)
        if current not in t.sources:
            raise self._illegal(t, current)
        if t.needs_comment and not (comment or "").strip():
            raise DomainError(_l("A comment is required for this step."), field="comment")
        self._claim(session, doc, t, current)
        self.record(session, doc, current, t.target, comment)
        setattr(doc, self.field, t.target)
        return t

    def _claim(self, session: Session, doc, t: Transition, current: str) -> None:
        """Move the stored row from `current` to the target, only if it is still in
        `current`: a user who read the same state at the same moment finds the row
        moved (PostgreSQL makes him wait for the first one's commit, then re-reads
        it; SQLite's writers take turns) and gets the 409 of an illegal step."""
        state = inspect(doc, raiseerr=False)
        if state is None or doc.id is None or state.pending:
            return  # not a stored row (yet): nobody else can see it
        if state.attrs[self.field].history.has_changes():
            session.flush()  # a state set by hand meanwhile: the row holds it first
        mapper = state.mapper
        column = mapper.get_property(self.field).columns[0]
        key = mapper.primary_key[0]
        moved: CursorResult = session.execute(  # type: ignore[assignment]
            update(column.table)
            .where(key == doc.id, column == current)
            .values({column.name: t.target})
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            now = session.scalar(select(column).where(key == doc.id))
            raise self._illegal(t, str(now))

    def record(self, session: Session, doc, from_state, to_state, comment=None) -> None:
        if doc.id is None:
            session.flush()
        user_id, username = current_actor()
        session.add(
            StateTransition(
                doc_type=self.doc_type,
                doc_id=doc.id,
                from_state=from_state,
                to_state=to_state,
                comment=comment,
                user_id=user_id,
                username=username,
            )
        )

    def start(self, session: Session, doc, comment: str | None = None) -> None:
        """Record the creation of a document in its initial state."""
        setattr(doc, self.field, self.initial)
        self.record(session, doc, None, self.initial, comment)

    def lock(self, session: Session, doc) -> None:
        """Lock the document's row (PostgreSQL; SQLite's writers already take turns)
        and read it afresh, before a step that does more than change its state."""
        lock(session, doc)

    def history(self, session: Session, doc_id: int) -> list[StateTransition]:
        return (
            session.query(StateTransition)
            .filter_by(doc_type=self.doc_type, doc_id=doc_id)
            .order_by(StateTransition.id)
            .all()
        )


def lock(session: Session, doc) -> None:
    """Lock a stored document's row and read it afresh (its columns; relations load
    after the lock). Rows referencing it may still be inserted meanwhile (FOR NO KEY
    UPDATE), so a lock never waits for a line being added elsewhere."""
    state = inspect(doc, raiseerr=False)
    if state is None or doc.id is None:
        return
    cls = type(doc)
    key = state.mapper.primary_key[0]
    session.scalars(
        select(cls)
        .where(key == doc.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).first()
