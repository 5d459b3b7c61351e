"""A record's history as sentences in the reader's language.

The audit log (app.audit) keeps a record's changes as stored values (`technician_id:
3`, `state: ready`), and the state machines keep its steps (app.statemachine). A
record's page tells both, merged newest first, as sentences: "Ivan Petrov changed
Technician from Olga Sousa to Pavel Ivanov", "Ivan Petrov moved the record from Ready
to Returned (comment: ...)". Fields are named by the screen's labels, related rows by
their names, choices by their labels, booleans as Yes/No, dates and times in the
reader's language and time zone (app.formats, as the rest of the page).

What the reader may not see stays out: the fields his policy hides (app.policy.Fields;
secrets were masked when they were written), and the names of related rows its record
rule keeps from him. The statements are bounded whatever the history holds: one
query for the audit rows, one for the steps, one per related table named on the page
(users included).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import get_timezone, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import formats, policy
from app.audit import MASK
from app.models import AuditLog, StateTransition

PER_PAGE = 20
MAX_PAGE = 49  # beyond 1,000 entries: the audit log's own screen
LONG_TEXT = 80  # a text value longer than this is cut, with an ellipsis

ACTORS = {"system": _l("System"), "anonymous": _l("Anonymous")}


@dataclass(frozen=True)
class HistoryEntry:
    """One change or step: when (the stored time and as the reader reads it), and the
    sentences telling it (one per field changed)."""

    at: datetime
    when: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class HistoryPage:
    entries: list[HistoryEntry]
    page: int
    older: bool  # there are older entries than these
    zone: str  # the time zone the times are in


def record_history(
    session: Session,
    model,
    pk,
    *,
    labels: Mapping[str, Any],
    formatters: Mapping[str, Callable] | None = None,
    machine=None,
    page: int = 0,
    per_page: int = PER_PAGE,
) -> HistoryPage:
    """Page `page` (0: the latest) of the history of row `pk` of `model`, as the
    current user may read it. `labels` are the screen's field labels, `formatters` its
    own value formatters (choices), `machine` the record's state machine, if any."""
    page = max(0, min(page, MAX_PAGE))
    table = model.__tablename__
    wanted = (page + 1) * per_page + 1
    audits = (
        session.execute(
            select(AuditLog)
            .where(AuditLog.table_name == table, AuditLog.row_id == str(pk))
            .order_by(AuditLog.id.desc())
            .limit(wanted)
        )
        .scalars()
        .all()
    )
    steps: list[StateTransition] = []
    if machine is not None and str(pk).isdigit():
        steps = list(
            session.execute(
                select(StateTransition)
                .where(
                    StateTransition.doc_type == machine.doc_type,
                    StateTransition.doc_id == int(pk),
                )
                .order_by(StateTransition.id.desc())
                .limit(wanted)
            )
            .scalars()
            .all()
        )
    # the creation is told once: by the insert when there is one, else by the first step
    created = any(a.action == "insert" for a in audits)
    steps = [s for s in steps if not (created and s.from_state is None)]
    paired = _pair(steps, audits, machine)
    told = {a.id for a in paired.values()}
    events: list[tuple[datetime, int, int, Any]] = [
        (a.at, 1, a.id, a) for a in audits if a.id not in told
    ]
    events += [(s.at, 0, s.id, s) for s in steps]
    events.sort(key=lambda e: (e[0], e[1], e[2]), reverse=True)
    shown = [e[3] for e in events[page * per_page : (page + 1) * per_page]]
    teller = _Teller(session, model, labels, formatters or {}, machine)
    entries = teller.tell(shown, paired)
    return HistoryPage(
        entries=entries,
        page=page,
        older=len(events) > (page + 1) * per_page,
        zone=str(get_timezone()),
    )


SAME_STEP_SECONDS = 60


def _pair(steps: list[StateTransition], audits, machine) -> dict[int, AuditLog]:
    """The audit row written by each step (its state change from and to the step's
    states, by the same user, at the same moment), told with the step: what else the
    step changed (the date a unit went back) reads under it. -> {step id: audit row}."""
    if machine is None:
        return {}
    paired: dict[int, AuditLog] = {}
    for row in audits:
        change = (row.changes or {}).get(machine.field)
        if row.action != "update" or not isinstance(change, list):
            continue
        for step in steps:
            if (
                step.id not in paired
                and [step.from_state, step.to_state] == change
                and step.username == row.username
                and abs((row.at - step.at).total_seconds()) < SAME_STEP_SECONDS
            ):
                paired[step.id] = row
                break
    return paired


class _Teller:
    """Turns audit rows and steps into sentences, the names they need loaded at once."""

    def __init__(self, session: Session, model, labels, formatters, machine) -> None:
        self.session = session
        self.model = model
        self.mapper: Any = sa_inspect(model)
        self.labels = labels
        self.formatters = formatters
        self.machine = machine
        self.hidden = policy.hidden(model)
        self.secret = set(getattr(model, "__secret_columns__", ()))
        self.names: dict[type, dict[Any, str]] = {}
        self.with_step: list[AuditLog] = []  # audit rows told with their step

    # ------------------------------------------------------------ what to load

    def _related(self, key: str):
        """(relation name, related model) of a foreign key column, or (None, None)."""
        column = self.mapper.columns.get(key)
        if column is None or not column.foreign_keys:
            return None, None
        for rel in self.mapper.relationships:
            if rel.direction.name == "MANYTOONE" and column in rel.local_columns:
                return rel.key, rel.mapper.class_
        fk = next(iter(column.foreign_keys))
        return None, policy.model_of_table(fk.column.table.name)

    def _changes(self, row: AuditLog) -> dict[str, Any]:
        """The changes the reader may see; a step's state change is told by the step."""
        skip = self.machine.field if self.machine is not None and row in self.with_step else None
        out = {}
        for key, value in (row.changes or {}).items():
            rel, _ = self._related(key)
            if key in self.hidden or (rel is not None and rel in self.hidden) or key == skip:
                continue
            out[key] = value
        return out

    def _load_names(self, rows: list) -> None:
        from flask_appbuilder.security.sqla.models import User

        wanted: dict[type, set[int]] = defaultdict(set)
        for row in rows:
            if row.user_id is not None:
                wanted[User].add(row.user_id)
            if isinstance(row, AuditLog) and row.action == "update":
                for key, change in self._changes(row).items():
                    _, related = self._related(key)
                    if related is not None and isinstance(change, list):
                        wanted[related].update(v for v in change if isinstance(v, int))
        for related, ids in wanted.items():
            key_col: Any = sa_inspect(related).primary_key[0]
            stmt: Any = select(related).where(key_col.in_(sorted(ids)))
            if related is not User:
                stmt = policy.restrict(stmt, related)
            for rel in getattr(related, "__lookup_load__", ()):
                stmt = stmt.options(selectinload(getattr(related, rel)))
            with self.session.no_autoflush:
                found = self.session.execute(stmt).scalars().all()
            self.names[related] = {getattr(r, key_col.key): str(r) for r in found}

    # ------------------------------------------------------------ sentences

    def tell(self, rows: list, paired: Mapping[int, AuditLog]) -> list[HistoryEntry]:
        self.with_step = [
            paired[r.id] for r in rows if isinstance(r, StateTransition) and r.id in paired
        ]
        self._load_names([*rows, *self.with_step])
        entries = []
        for row in rows:
            if isinstance(row, StateTransition):
                sentences = self._step(row)
                if row.id in paired:
                    sentences += self._audit(paired[row.id])
            else:
                sentences = self._audit(row)
            if sentences:
                entries.append(HistoryEntry(row.at, formats.moment(row.at), tuple(sentences)))
        return entries

    def _who(self, row) -> str:
        from flask_appbuilder.security.sqla.models import User

        name = self.names.get(User, {}).get(row.user_id) if row.user_id is not None else None
        if name:
            return name
        username = row.username or "system"
        return str(ACTORS.get(username, username))

    def _step(self, row: StateTransition) -> list[str]:
        label = self.machine.label if self.machine is not None else (lambda s: s)
        user, new = self._who(row), str(label(row.to_state))
        if row.from_state is None:
            return [gettext("%(user)s created the record as %(state)s", user=user, state=new)]
        old = str(label(row.from_state))
        if row.comment:
            return [
                gettext(
                    "%(user)s moved the record from %(old)s to %(new)s (comment: %(comment)s)",
                    user=user,
                    old=old,
                    new=new,
                    comment=_cut(row.comment),
                )
            ]
        return [
            gettext(
                "%(user)s moved the record from %(old)s to %(new)s", user=user, old=old, new=new
            )
        ]

    def _audit(self, row: AuditLog) -> list[str]:
        user = self._who(row)
        if row.action == "insert":
            return [gettext("%(user)s created the record", user=user)]
        if row.action == "delete":
            return [gettext("%(user)s deleted the record", user=user)]
        out = []
        for key, change in self._changes(row).items():
            out.append(self._change(user, key, change))
        return out

    def _label(self, key: str) -> str:
        rel, _ = self._related(key)
        for name in (rel, key):
            if name is not None and self.labels.get(name):
                return str(self.labels[name])
        return key.replace("_", " ").capitalize()

    def _change(self, user: str, key: str, change) -> str:
        field = self._label(key)
        try:
            old, new = change
        except (TypeError, ValueError):
            old, new = MASK, MASK
        if key in self.secret or MASK in (old, new):
            return gettext("%(user)s changed %(field)s", user=user, field=field)
        old_text, new_text = self._value(key, old), self._value(key, new)
        if old_text is None and new_text is None:
            return gettext("%(user)s changed %(field)s", user=user, field=field)
        if old in (None, ""):
            return gettext(
                "%(user)s set %(field)s to %(new)s", user=user, field=field, new=new_text
            )
        if new in (None, ""):
            return gettext(
                "%(user)s cleared %(field)s (was %(old)s)", user=user, field=field, old=old_text
            )
        return gettext(
            "%(user)s changed %(field)s from %(old)s to %(new)s",
            user=user,
            field=field,
            old=old_text,
            new=new_text,
        )

    def _value(self, key: str, value) -> str | None:
        """A stored value as the screen shows it; None when it cannot be told."""
        if value is None or value == "":
            return ""
        rel, related = self._related(key)
        if related is not None:
            return self.names.get(related, {}).get(value) or f"#{value}"
        kind = _python_type(self.mapper.columns.get(key))
        if kind in (dict, list) or isinstance(value, (dict, list)):
            return None
        if self.machine is not None and key == self.machine.field:
            return str(self.machine.label(value))
        typed = _typed(kind, value)
        formatter = self.formatters.get(key)
        if formatter is not None:
            try:
                shown = formatter(typed)
            except (TypeError, ValueError, AttributeError, KeyError):
                shown = None
            if shown not in (None, ""):
                return shown.striptags() if isinstance(shown, Markup) else _cut(str(shown))
        if isinstance(typed, bool):
            return gettext("Yes") if typed else gettext("No")
        if isinstance(typed, datetime):
            return formats.moment(typed)
        if isinstance(typed, date):
            return formats.day(typed)
        if isinstance(typed, Decimal):
            return str(formats.number(typed))
        return _cut(str(typed))


def _python_type(column) -> type | None:
    try:
        return column.type.python_type if column is not None else None
    except NotImplementedError:
        return None


def _typed(kind: type | None, value):
    """The stored (JSON) value back as the column's Python type, where it can be."""
    try:
        if kind is bool:
            return bool(value)
        if kind is datetime and isinstance(value, str):
            return datetime.fromisoformat(value)
        if kind is date and isinstance(value, str):
            return date.fromisoformat(value[:10])
        if kind is Decimal and isinstance(value, str | int | float):
            return Decimal(str(value))
    except (ValueError, InvalidOperation):
        return value
    return value


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1].rstrip() + "…"
