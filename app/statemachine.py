"""Explicit state machines for documents with a life (repairs, claims, orders...).

A machine is declared once per document type: its states, and the allowed
transitions in one table. `apply()` is the only way a document changes state:
it refuses an illegal step with a DomainError and records every step (who,
when, from, to, comment) in `core_state_transition`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.audit import current_actor
from app.errors import DomainError
from app.models import StateTransition

signals = Namespace()
state_changed = signals.signal("state-changed")


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

    def apply(self, session: Session, doc, name: str, comment: str | None = None) -> Transition:
        t = self.transition(name)
        current = getattr(doc, self.field)
        if current not in t.sources:
            raise DomainError(
                _l(
                    "Cannot %(action)s a document in state “%(state)s”.",
                    action=str(t.label or t.name).lower(),
                    state=self.label(current),
                ),
                status=409,
            )
        if t.needs_comment and not (comment or "").strip():
            raise DomainError(_l("A comment is required for this step."), field="comment")
        self.record(session, doc, current, t.target, comment)
        setattr(doc, self.field, t.target)
        state_changed.send(self.doc_type, doc=doc, transition=t, session=session)
        return t

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

    def history(self, session: Session, doc_id: int) -> list[StateTransition]:
        return (
            session.query(StateTransition)
            .filter_by(doc_type=self.doc_type, doc_id=doc_id)
            .order_by(StateTransition.id)
            .all()
        )
