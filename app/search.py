"""One search box: serial numbers, document numbers and partners, across the modules.

The core knows no module: each module lists what can be found in its `search.py`
(`SEARCH = [Searchable(...)]`, named by the manifest's `search` entry) and this file
runs them, every one through the policy (app.policy):

- a kind is searched only for a reader of one of its resources (`links`: the first
  resource he reads gives the record's page);
- its record rule limits the rows (a technician finds his own repairs);
- a column hidden from him (costs) is never searched.

Numbers and serials match by prefix (`RO-2026` finds RO-2026-00001), names, e-mails and
phones anywhere in the text; the text is matched case-insensitively with `%`, `_` and
`\\` taken literally. At most `LIMIT` rows per kind, and the answer says which kinds had
more. The same contributions list a sold unit's records on its passport (`unit`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app import policy
from app.db import db
from app.errors import DomainError
from app.security import WRITE

LIMIT = 10  # rows per kind
UNIT_LIMIT = 50  # rows per section of a unit's passport
MIN_LENGTH = 2
MAX_LENGTH = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class Searchable:
    """What the search box finds of one model, declared by the module that owns it.

    kind: a stable key ("repair"); title: its heading; links: (resource, endpoint) pairs,
    the first resource the reader reads gives the record's page (`<endpoint>.show`);
    prefix: columns matched from their start (numbers, serials, tax ids); contains:
    columns matched anywhere (names, e-mails, phones); label, detail: what a hit shows;
    load: relations the label and detail read (loaded in one go); unit: the condition
    selecting the rows about one sold unit (given the unit), listed on its passport;
    new: the label of a button there that starts one for the unit (`<endpoint>.add`
    with `unit` and `customer` filled in), shown to writers of the resource."""

    kind: str
    title: Any
    model: type[Any]
    links: tuple[tuple[str, str], ...]
    prefix: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    label: Callable[[Any], str] = str
    detail: Callable[[Any], str] | None = None
    load: tuple[str, ...] = ()
    unit: Callable[[Any], Any] | None = None
    new: Any = None

    def link_for(self, actor: policy.Actor) -> tuple[str, str] | None:
        """(resource, endpoint) of the first page the actor may read, or None."""
        return next(((r, e) for r, e in self.links if actor.reads(r)), None)


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    label: str
    link: str
    detail: str = ""
    exact: bool = False  # a number or serial equal to the searched text

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "label": self.label, "link": self.link}


@dataclass
class Group:
    """The hits of one kind (at most LIMIT; `more`: there were others)."""

    kind: str
    title: Any
    hits: list[Hit] = field(default_factory=list)
    more: bool = False
    new_link: str = ""  # the passport's button, when the reader may start one


@dataclass
class Findings:
    text: str
    groups: list[Group] = field(default_factory=list)

    @property
    def hits(self) -> list[Hit]:
        return [h for g in self.groups for h in g.hits]

    def exact_hit(self) -> Hit | None:
        """The one record whose number or serial is exactly the text, if only one is."""
        exact = [h for h in self.hits if h.exact]
        return exact[0] if len(exact) == 1 else None


def searchables() -> list[Searchable]:
    """Every loaded module's contributions, in module order (cached per app)."""
    ext = current_app.extensions
    if "aftersales_search" not in ext:
        out: list[Searchable] = []
        for manifest in ext["aftersales"].manifests:
            out.extend(manifest.resolve("search") or ())
        ext["aftersales_search"] = out
    return cast(list[Searchable], ext["aftersales_search"])


def clean(text: str | None) -> str:
    """The searched text, stripped; control characters or a text too long: 400."""
    text = (text or "").strip()
    if _CONTROL.search(text):
        raise DomainError(
            _l("The search text contains a control character (such as NUL)."),
            field="q",
            status=400,
        )
    if len(text) > MAX_LENGTH:
        raise DomainError(
            _l("Search for at most %(n)d characters.", n=MAX_LENGTH), field="q", status=400
        )
    return text


def like_escape(text: str) -> str:
    """`text` with LIKE's wildcards taken literally (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(text: str | None, actor: policy.Actor | None = None, limit: int = LIMIT) -> Findings:
    """What `actor` may find for `text`: one group per kind with hits."""
    actor = actor or policy.current_actor()
    term = clean(text)
    found = Findings(term)
    if len(term) < MIN_LENGTH or actor.user_id is None and not actor.system:
        return found
    needle = like_escape(term)
    for item in searchables():
        link = item.link_for(actor)
        if link is None:
            continue
        hidden = policy.hidden(item.model, actor)
        prefix = [getattr(item.model, c) for c in item.prefix if c not in hidden]
        contains = [getattr(item.model, c) for c in item.contains if c not in hidden]
        conditions = [c.ilike(f"{needle}%", escape="\\") for c in prefix]
        conditions += [c.ilike(f"%{needle}%", escape="\\") for c in contains]
        if not conditions:
            continue
        stmt: Any = select(item.model).where(or_(*conditions))
        rows = _rows(item, policy.restrict(stmt, item.model, actor), limit + 1)
        if not rows:
            continue
        group = Group(item.kind, item.title, more=len(rows) > limit)
        lowered = term.lower()
        for row in rows[:limit]:
            exact = any(
                (getattr(row, c) or "").lower() == lowered for c in item.prefix if c not in hidden
            )
            group.hits.append(_hit(item, row, link[1], exact))
        found.groups.append(group)
    return found


def unit_sections(unit, actor: policy.Actor | None = None) -> list[Group]:
    """The records about one sold unit that `actor` may read, one group per kind whose
    module lists them (`Searchable.unit`): a unit's claims, contracts, loans ..."""
    actor = actor or policy.current_actor()
    out = []
    for item in searchables():
        link = item.link_for(actor)
        if item.unit is None or link is None:
            continue
        stmt = policy.restrict(select(item.model).where(item.unit(unit)), item.model, actor)
        rows = _rows(item, stmt, UNIT_LIMIT + 1)
        group = Group(item.kind, item.title, more=len(rows) > UNIT_LIMIT)
        group.hits = [_hit(item, row, link[1]) for row in rows[:UNIT_LIMIT]]
        if item.new is not None and actor.can(WRITE, link[0]):
            group.new_link = url_for(
                f"{link[1]}.add", unit=unit.id, customer=getattr(unit, "customer_id", None)
            )
        out.append(group)
    return out


def new_labels() -> dict[str, Any]:
    """The passport's button label of each kind that has one."""
    return {s.kind: s.new for s in searchables() if s.new is not None}


def _rows(item: Searchable, stmt, limit: int) -> list:
    pk = item.model.id
    stmt = stmt.order_by(pk.desc()).limit(limit)
    for rel in item.load:
        stmt = stmt.options(selectinload(getattr(item.model, rel)))
    with db.session.no_autoflush:
        return list(db.session.scalars(stmt))


def _hit(item: Searchable, row, endpoint: str, exact: bool = False) -> Hit:
    return Hit(
        kind=item.kind,
        id=row.id,
        label=str(item.label(row)),
        link=url_for(f"{endpoint}.show", pk=row.id),
        detail=str(item.detail(row)) if item.detail is not None else "",
        exact=exact,
    )
