"""One policy per resource: who reads and writes it, which rows a user sees, which
fields a role may not see. Declared once, in each module's `permissions.py`; asked by
every door (screens, REST API, lookups, CSV exports, dashboard figures, reports,
attachments, the audit log).

- **Rights** (`app.security.Grant`): the roles that read, write, or hold an extra
  permission on a resource. They become FAB permissions; a door asks
  `actor.can(permission, resource)`.
- **Rows** (`Rows`): a record rule. A user without the rule's `see_all` permission
  sees only the rows its condition selects (a technician: his own repairs and those
  of the colleagues he stands in for). `restrict(query, Model)` applies it.
- **Fields** (`Fields`): columns a role may not see. `seen_by` names the permission
  that shows them (`COSTS`: purchase costs, stock value, margins); `seen_by=None`
  makes them secrets nobody reads (a survey's one-time token): masked in the audit
  log when written, never serialized.

The `Actor` is who is asking: a logged-in user (with his own permissions and those
lent to him as a deputy, see app.security), or the system (CLI, jobs), which sees
everything.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from flask import abort, current_app, g, has_request_context
from sqlalchemy import false, select
from sqlalchemy import schema as sa_schema
from sqlalchemy.sql import visitors

# ------------------------------------------------------------------ declarations

ModelClass = type[Any]  # a mapped model class (its columns are read by name)

READ = "can_read"
# Who sees what the department pays: purchase costs, average costs, stock value,
# margins, supplier prices. A core resource with no screen; roles that handle money
# read it (app.security.CORE_PERMISSIONS).
COSTS_RESOURCE = "Costs"
COSTS = (READ, COSTS_RESOURCE)


@dataclass(frozen=True)
class Rows:
    """A record rule: a user without `see_all` (a (permission, resource) pair) sees
    only the rows of `model` that `where(actor)` selects."""

    model: ModelClass
    where: Callable[[Actor], Any]
    see_all: tuple[str, str] | None = None
    why: str = ""

    def condition(self, actor: Actor):
        """The SQL condition for `actor`, or None when he sees every row."""
        if actor.system or (self.see_all is not None and actor.can(*self.see_all)):
            return None
        if actor.user_id is None:
            return false()
        return self.where(actor)

    @classmethod
    def via(cls, model: ModelClass, key, parent: Rows, why: str = "") -> Rows:
        """Rows of `model` whose `key` (a foreign key column) names a visible row of
        `parent`'s model: a repair's lines follow the repair."""
        parent_id = parent.model.id

        def where(actor: Actor):
            return key.in_(select(parent_id).where(parent.where(actor)))

        return cls(model, where, parent.see_all, why or parent.why)


@dataclass(frozen=True)
class Fields:
    """Columns `names` of `model` are shown only to holders of `seen_by` (a
    (permission, resource) pair); `seen_by=None`: to nobody (secrets)."""

    model: ModelClass
    names: tuple[str, ...]
    seen_by: tuple[str, str] | None = COSTS
    why: str = ""


# ------------------------------------------------------------------ who is asking


@dataclass(frozen=True)
class Actor:
    """Who is asking: his permissions (his own and those lent to him as a deputy) and
    the users whose business work he holds today (himself first)."""

    user_id: int | None
    username: str = ""
    roles: frozenset[str] = frozenset()
    permissions: frozenset[tuple[str, str]] = frozenset()
    acting_for: frozenset[int] = frozenset()
    system: bool = False

    def can(self, permission: str, resource: str) -> bool:
        return self.system or (permission, resource) in self.permissions

    def reads(self, resource: str) -> bool:
        return self.can(READ, resource)


SYSTEM = Actor(user_id=None, username="system", system=True)
ANONYMOUS = Actor(user_id=None, username="anonymous")


def request_user():
    """The logged-in user of this request (session or JWT), or None."""
    user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        from flask_login import current_user

        user = current_user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def current_actor() -> Actor:
    """The actor of this request (cached for it); the system outside a request."""
    if not has_request_context():
        return SYSTEM
    actor = g.get("_as_actor")
    if actor is None:
        user = request_user()
        actor = ANONYMOUS if user is None else actor_for(user)
        g._as_actor = actor
    return actor


def actor_for(user) -> Actor:
    """The actor of `user`. Built without flushing: a door may ask for it halfway
    through loading a request's changes, which must not reach the database yet."""
    sm = cast(Any, current_app).appbuilder.sm
    with sm.session.no_autoflush:
        return Actor(
            user_id=user.id,
            username=user.username,
            roles=frozenset(r.name for r in sm.get_user_roles(user)),
            permissions=frozenset(sm.permission_pairs(user)),
            acting_for=frozenset(sm.acting_for(user)),
        )


# ------------------------------------------------------------------ the book of policies


@dataclass
class PolicyBook:
    """The loaded modules' rules, by resource and by model."""

    grants: dict[str, Any] = field(default_factory=dict)  # resource -> Grant
    rows: dict[ModelClass, Rows] = field(default_factory=dict)
    fields: dict[ModelClass, list[Fields]] = field(default_factory=dict)

    @classmethod
    def build(cls, permissions: Iterable[Any]) -> PolicyBook:
        book = cls()
        for perms in permissions:
            for grant in perms.grants:
                book.grants[grant.resource] = grant
            for rule in getattr(perms, "rows", ()):
                if rule.model in book.rows:
                    raise ValueError(f"two record rules for {rule.model.__name__}")
                book.rows[rule.model] = rule
            for rule in getattr(perms, "fields", ()):
                book.fields.setdefault(rule.model, []).append(rule)
                if rule.seen_by is None:  # the audit log masks them when it writes
                    secret = set(getattr(rule.model, "__secret_columns__", ()))
                    rule.model.__secret_columns__ = tuple(sorted(secret | set(rule.names)))
        return book

    def hidden(self, model: ModelClass, actor: Actor) -> frozenset[str]:
        """The columns of `model` that `actor` may not see."""
        out: set[str] = set()
        for rule in self.fields.get(model, ()):
            if rule.seen_by is None or not actor.can(*rule.seen_by):
                out.update(rule.names)
        return frozenset(out)

    def condition(self, model: ModelClass, actor: Actor):
        rule = self.rows.get(model)
        return None if rule is None else rule.condition(actor)

    def restricted(self, model: ModelClass, actor: Actor) -> bool:
        return self.condition(model, actor) is not None

    def resource_models(self, resource: str) -> list[ModelClass]:
        """Models whose rows are ruled by the `see_all` of `resource`."""
        return [m for m, r in self.rows.items() if r.see_all and r.see_all[1] == resource]


def book() -> PolicyBook:
    return current_app.extensions["aftersales"].policy


def restrict(query, model: ModelClass, actor: Actor | None = None):
    """`query` (an ORM Query or a select) limited to the rows of `model` the actor sees."""
    cond = book().condition(model, actor or current_actor())
    if cond is None:
        return query
    return query.filter(cond) if hasattr(query, "filter") else query.where(cond)


def hidden(model: ModelClass, actor: Actor | None = None) -> frozenset[str]:
    return book().hidden(model, actor or current_actor())


def model_of_table(table) -> ModelClass | None:
    from flask_appbuilder import Model

    name = getattr(table, "name", table)
    for mapper in Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == name:
            return mapper.class_
    return None


def statement_refusal(stmt, actor: Actor | None = None) -> str | None:
    """Why the actor may not run `stmt` whole (a CSV export reads every row of its
    kind): it reads a column hidden from him, or a table whose rows a record rule
    limits for him. None when he may."""
    actor = actor or current_actor()
    the_book = book()
    for element in visitors.iterate(stmt, {"column_collections": False}):
        table = getattr(element, "table", None)
        if isinstance(element, sa_schema.Table):
            table = element
        name = getattr(table, "name", None)
        if not isinstance(name, str):
            continue
        model = model_of_table(name)
        if model is None:
            continue
        if the_book.restricted(model, actor):
            return f"rows:{name}"
        key = getattr(element, "key", None)
        if isinstance(element, sa_schema.Column) and key in the_book.hidden(model, actor):
            return f"field:{name}.{key}"
    return None


def strip(data: Any, model: ModelClass, actor: Actor | None = None) -> Any:
    """A serialized row (or list of rows) of `model` less the fields the actor may
    not see, nested relations included."""
    actor = actor or current_actor()
    if isinstance(data, list):
        return [strip(item, model, actor) for item in data]
    if not isinstance(data, dict):
        return data
    from sqlalchemy import inspect as sa_inspect

    mapper: Any = sa_inspect(model)
    drop = book().hidden(model, actor)
    for key in list(data):
        if key in drop:
            del data[key]
            continue
        rel = mapper.relationships.get(key)
        if rel is not None and isinstance(data[key], (dict, list)):
            data[key] = strip(data[key], rel.mapper.class_, actor)
    return data


def resources_by_model() -> dict[ModelClass, set[str]]:
    """The resources whose screens or APIs serve each model (cached per app)."""
    cache = current_app.extensions.setdefault("aftersales_resources_by_model", {})
    if not cache:
        for view in cast(Any, current_app).appbuilder.baseviews:
            dm = getattr(view, "datamodel", None)
            resource = getattr(view, "class_permission_name", None)
            if dm is not None and resource:
                cache.setdefault(dm.obj, set()).add(resource)
    return cache


def readable_tables(actor: Actor | None = None) -> set[str]:
    """Tables whose every row the actor may read: a screen or API of the model is his
    to read, and no record rule limits him on it."""
    actor = actor or current_actor()
    the_book = book()
    out = set()
    for model, resources in resources_by_model().items():
        if any(actor.reads(r) for r in resources) and not the_book.restricted(model, actor):
            out.add(model.__tablename__)
    return out


def visible(model: ModelClass, pk, actor: Actor | None = None) -> bool:
    """Whether row `pk` of `model` exists and the actor may see it."""
    from sqlalchemy import inspect as sa_inspect

    from app.db import db

    pk_col: Any = sa_inspect(model).primary_key[0]
    stmt = restrict(select(model).where(pk_col == pk), model, actor)
    with db.session.no_autoflush:
        return db.session.scalars(stmt.limit(1)).first() is not None


def requires(permission: str, resource: str):
    """A screen's or API's method that needs a right besides its own, e.g. lending a
    substitute unit from a repair's page needs the loaner pool's write right. Refused
    with 403; the access-matrix test reads `_requires`."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            if not current_actor().can(permission, resource):
                door = args[0] if args else None
                if hasattr(door, "response_403"):  # an API: its JSON 403
                    return door.response_403()
                abort(403)
            return fn(*args, **kwargs)

        inner._requires = (permission, resource)
        return inner

    return wrap
