"""Boards (kanban): a document's states as columns, in its state machine's order, and
the rows its list shows as cards; moving a card runs the step the record's page runs.

A board is a view over a registered list view (a `StateMachineViewMixin` ModelView):

    class RepairBoardView(BoardView):
        route_base = "/repairboard"
        list_view = RepairOrderView
        title = _l("Repair board")
        closed_states = ("returned", "cancelled")
        card_fields = (CardField("customer"), CardField("technician"))

It takes from the list everything that decides what a user may see and do, so the two
cannot drift apart: its rows (the record rule and the quick filters `?quick=` of its
base filters), its hidden fields (app.policy), its labels and formatters, its rights
(the board is read with the list's read right; steps are offered to holders of its
write right) and its steps (`shown_transitions`, posted to the list's own
`<endpoint>.transition`, where the service decides). The board never writes a state.

Closed states show only their last `closed_limit` cards, every column at most
`column_limit`, each with the link to the list of all of them. A page runs a fixed
number of statements: the counts, the cards' ids (one windowed query), the cards and
their relations (`loads`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlencode

from flask import abort, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, inspect, select
from sqlalchemy.orm import selectinload

from app import policy
from app.db import db
from app.insights import QUICK_ARG, QUICK_LABELS, QuickFilter
from app.security import WRITE

TEMPLATE = "aftersales/board.html"
# the list page with a "Board" button (a list view sets `list_template` to it and
# `extra_args = {"board_endpoint": "<BoardView>.board"}`)
LIST_TEMPLATE = "aftersales/list_board.html"


@dataclass(frozen=True)
class CardField:
    """A line of a card: a column or relation of the model (a dotted path goes through
    relations: "unit.equipment_model"), its label (default: the list's) and how its
    value is written (default: the list's formatter, else the value as text). A field
    whose first part the reader may not see (app.policy.Fields) is left out."""

    name: str
    label: Any = None
    format: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Step:
    name: str
    label: Any
    target: str
    target_label: Any
    needs_comment: bool
    url: str


@dataclass
class Card:
    id: int
    title: str
    url: str
    state: str
    fields: list[tuple[Any, Any]]
    badge: Any = ""
    flag: str = ""  # "overdue", "stuck": the card stands out
    flag_text: Any = ""
    steps: list[Step] = field(default_factory=list)


@dataclass
class Column:
    state: str
    label: Any
    count: int
    closed: bool
    list_url: str
    cards: list[Card] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        """Cards of the column not shown on the board (see the list)."""
        return max(self.count - len(self.cards), 0)


def _value(item, path: str):
    value = item
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def _loader(model, path: str):
    """selectinload along a dotted path of relations (None when it names a column)."""
    option = None
    current = model
    for part in path.split("."):
        rel = inspect(current).relationships.get(part)
        if rel is None:
            return option
        attr = getattr(current, part)
        option = selectinload(attr) if option is None else option.selectinload(attr)
        current = rel.mapper.class_
    return option


class BoardView(BaseView):
    """A board of a list view's rows by state (see the module's docstring)."""

    list_view: ClassVar[type]
    title: ClassVar[Any] = ""
    card_fields: ClassVar[tuple[CardField, ...]] = ()
    closed_states: ClassVar[tuple[str, ...]] = ()
    closed_limit: ClassVar[int] = 10
    column_limit: ClassVar[int] = 50
    extra_loads: ClassVar[tuple[str, ...]] = ()  # relations the badge, flag or steps read

    default_view = "board"
    method_permission_name = {"board": "read"}
    base_permissions = ["can_read"]

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        lister = cls.__dict__.get("list_view")
        if lister is not None and "class_permission_name" not in cls.__dict__:
            # the list's rights: its read right shows the board, its write right moves cards
            cls.class_permission_name = lister.class_permission_name

    # ------------------------------------------------------------ what a board declares

    def card_order(self, model) -> list:
        """The order of the cards of an open column (closed ones: the latest first)."""
        return [model.id.desc()]

    def card_title(self, item) -> str:
        return str(item)

    def card_badge(self, item, today: date) -> Any:
        """A short mark beside the title (days left)."""
        return ""

    def card_flag(self, item, today: date) -> tuple[str, Any] | None:
        """(kind, text) when the card must stand out: ("overdue", "3 days overdue")."""
        return None

    # ------------------------------------------------------------ the page

    def lister(self):
        """The registered instance of the list view: its filters, rights, labels, steps."""
        for view in self.appbuilder.baseviews:
            if type(view) is self.list_view:
                return view
        abort(404)

    @expose("/")
    @has_access
    def board(self):
        lister = self.lister()
        quick = request.args.getlist(QUICK_ARG)
        can_write = self.appbuilder.sm.has_access(WRITE, self.class_permission_name)
        columns = self.columns(lister, quick, can_write)
        return self.render_template(
            TEMPLATE,
            board_title=self.title,
            columns=columns,
            can_write=can_write,
            quick=quick,
            quick_links=self.quick_links(lister, quick),
            list_url=self.list_url(lister, quick),
            total=sum(c.count for c in columns),
        )

    def columns(self, lister, quick: list[str], can_write: bool) -> list[Column]:
        machine = lister.state_machine
        model = lister.datamodel.obj
        state = getattr(model, machine.field)
        # the list's base filters: the record rule (app.policy) and the quick filters
        rows = lister._base_filters.apply_all(db.session.query(model))
        counts = dict(rows.with_entities(state, func.count(model.id)).group_by(state).all())
        closed = set(self.closed_states)
        columns = [
            Column(
                state=s,
                label=label,
                count=counts.get(s, 0),
                closed=s in closed,
                list_url=self.list_url(lister, quick, s),
            )
            for s, label in machine.states.items()
        ]
        picked = self._picked(rows, model, state, closed)
        if not picked:
            return columns
        items = {
            item.id: item
            for item in db.session.query(model)
            .filter(model.id.in_([row.id for row in picked]))
            .options(*self._loads(model))
        }
        by_state = {c.state: c for c in columns}
        hidden = policy.hidden(model)
        fields = [f for f in self.card_fields if f.name.split(".")[0] not in hidden]
        today = date.today()
        for row in sorted(picked, key=lambda r: (r.st, r.rank)):
            item = items.get(row.id)
            column = by_state.get(row.st)
            if item is not None and column is not None:
                column.cards.append(self.card(lister, item, fields, today, can_write))
        return columns

    def _picked(self, rows, model, state, closed: set[str]) -> list:
        """(id, st, rank) of the cards to show: per column its first `column_limit` in
        `card_order`, in a closed one its last `closed_limit`; one windowed query."""
        open_rank = func.row_number().over(partition_by=state, order_by=self.card_order(model))
        closed_rank = func.row_number().over(partition_by=state, order_by=model.id.desc())
        sub = rows.with_entities(
            model.id.label("id"),
            state.label("st"),
            open_rank.label("r_open"),
            closed_rank.label("r_closed"),
        ).subquery()
        is_closed = sub.c.st.in_(sorted(closed))
        rank = case((is_closed, sub.c.r_closed), else_=sub.c.r_open)
        limit = case((is_closed, self.closed_limit), else_=self.column_limit)
        return list(
            db.session.execute(select(sub.c.id, sub.c.st, rank.label("rank")).where(rank <= limit))
        )

    def _loads(self, model) -> list:
        paths = [f.name for f in self.card_fields] + list(self.extra_loads)
        options = [_loader(model, p) for p in dict.fromkeys(paths)]
        return [o for o in options if o is not None]

    def card(self, lister, item, fields: list[CardField], today: date, can_write: bool) -> Card:
        machine = lister.state_machine
        current = getattr(item, machine.field)
        lines = []
        for f in fields:
            value = _value(item, f.name)
            fmt = f.format or lister.formatters_columns.get(f.name)
            text = fmt(value) if fmt is not None else ("" if value is None else str(value))
            if text not in ("", None):
                label = f.label or lister.label_columns.get(f.name) or f.name
                lines.append((label, text))
        steps = []
        if can_write:
            for t in lister.shown_transitions(item, machine.allowed(current)):
                steps.append(
                    Step(
                        name=t.name,
                        label=t.label or t.name,
                        target=t.target,
                        target_label=machine.label(t.target),
                        needs_comment=t.needs_comment,
                        url=url_for(f"{lister.endpoint}.transition", pk=item.id, action=t.name),
                    )
                )
        flag = self.card_flag(item, today)
        return Card(
            id=item.id,
            title=self.card_title(item),
            url=url_for(f"{lister.endpoint}.show", pk=item.id),
            state=current,
            fields=lines,
            badge=self.card_badge(item, today),
            flag=flag[0] if flag else "",
            flag_text=flag[1] if flag else "",
            steps=steps,
        )

    # ------------------------------------------------------------ links

    def list_url(self, lister, quick: list[str], state: str | None = None) -> str:
        """The list of the same rows (the quick filters), of one state when given."""
        params = [(QUICK_ARG, q) for q in quick]
        field_name = lister.state_machine.field
        if state is not None:
            filters = lister._filters.get_search_filters().get(field_name, [])
            index = next((i for i, f in enumerate(filters) if f.arg_name == "eq"), None)
            if index is not None:
                params.append((f"_flt_{index}_{field_name}", state))
        base = url_for(f"{lister.endpoint}.list")
        return base + ("?" + urlencode(params) if params else "")

    def quick_links(self, lister, quick: list[str]) -> list[tuple[Any, str, bool]]:
        """(label, url, active) for each quick filter the list knows, then "all", named
        and ordered as the list's buttons (app.insights.QUICK_LABELS)."""
        names: list[str] = []
        base = lister._base_filters
        for flt, value in zip(base.filters, base.values, strict=False):
            if isinstance(flt, QuickFilter) and isinstance(value, dict):
                names.extend(value)
        if not names:
            return []
        names = [n for n in QUICK_LABELS if n in names] + [
            n for n in names if n not in QUICK_LABELS
        ]
        here = url_for(f"{type(self).__name__}.board")
        links = []
        for name in names:
            links.append(
                (
                    QUICK_LABELS.get(name, name),
                    f"{here}?{urlencode({QUICK_ARG: name})}",
                    name in quick,
                )
            )
        links.append((_l("All"), here, not quick))
        return links
