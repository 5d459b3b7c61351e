"""The core state machine, or a local copy while app/statemachine.py cannot be imported.

app/statemachine.py (at c5f5c12) declares a dataclass attribute `field = "state"`
that shadows `dataclasses.field`, so importing it raises TypeError. Until the core
is fixed this module provides the same API (same table `core_state_transition`,
same DomainErrors); once the import works the core classes are used.
"""

from __future__ import annotations

try:  # pragma: no cover - depends on the core's state
    from app.statemachine import StateMachine, Transition
except TypeError:
    import dataclasses

    from flask_babel import lazy_gettext as _l
    from sqlalchemy.orm import Session

    from app.audit import current_actor
    from app.errors import DomainError
    from app.models import StateTransition

    @dataclasses.dataclass(frozen=True)
    class Transition:  # type: ignore[no-redef]
        name: str
        sources: tuple[str, ...]
        target: str
        label: object = None
        needs_comment: bool = False

    @dataclasses.dataclass
    class StateMachine:  # type: ignore[no-redef]
        doc_type: str
        states: dict[str, object]
        transitions: list[Transition]
        initial: str
        field: str = "state"

        def __post_init__(self) -> None:
            self._by_name = {t.name: t for t in self.transitions}

        @property
        def choices(self):
            return list(self.states.items())

        def label(self, state):
            return self.states.get(state, state)

        def allowed(self, state):
            return [t for t in self.transitions if state in t.sources]

        def transition(self, name):
            try:
                return self._by_name[name]
            except KeyError:
                raise DomainError(_l("Unknown action: %(name)s", name=name), status=400) from None

        def apply(self, session: Session, doc, name: str, comment: str | None = None):
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
            return t

        def record(self, session, doc, from_state, to_state, comment=None):
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
                )  # fmt: skip
            )

        def start(self, session, doc, comment=None):
            setattr(doc, self.field, self.initial)
            self.record(session, doc, None, self.initial, comment)

        def history(self, session, doc_id):
            return (
                session.query(StateTransition)
                .filter_by(doc_type=self.doc_type, doc_id=doc_id)
                .order_by(StateTransition.id)
                .all()
            )


__all__ = ["StateMachine", "Transition"]
