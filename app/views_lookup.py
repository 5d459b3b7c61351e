"""The lookups of relation fields: select2 search over the rows a user may see."""

from __future__ import annotations

from flask import (
    g,
    jsonify,
    request,
)
from flask_appbuilder import BaseView, expose
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, or_
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import selectinload

from app import policy
from app.db import db
from app.errors import DomainError
from app.views import _model_by_table
from app.widgets import _ID_RANGE, LOOKUP_FILTERS, lookup_label

_OWN_ARGS = {"q", "page", "_l_"}  # the search text, the page, the language of the answer


class LookupView(BaseView):
    """`/lookup/<table>/?q=&page=`: select2 search for LookupField.

    Open to a logged-in user who may read a screen or API of that table, limited
    by the table's record rule (app.policy: a technician is offered his own
    repairs), on the columns the model declares (`__lookup_fields__`, else its
    `name`); a table that declares neither has no lookup (404). Login users
    (`ab_user`) are a directory every logged-in user may search, active users
    only: assignees, deputies and the like pick from it.

    Each row is `{"id", "text"}`, the text its lookup label (app.widgets.lookup_label).
    A field that depends on another (`LookupField(depends={"customer": "customer_id"})`)
    filters by it (`?customer=<id>`: any other parameter is a 400) and each row also
    carries the record it names there (`"customer": {"id", "text"}`), which the form
    fills in when the row is picked.
    """

    route_base = "/lookup"
    base_permissions: list[str] = []
    page_size = 20
    USER_FIELDS = ("username", "first_name", "last_name")

    @expose("/<table>/")
    def search(self, table):
        if not g.user or not g.user.is_authenticated:
            return jsonify(message=str(_l("Log in first."))), 401
        model = _model_by_table().get(table)
        if model is None:
            return jsonify(message=str(_l("No such table."))), 404
        try:
            page = max(1, int(request.args.get("page", 1)))
        except ValueError:
            return jsonify(message=str(_l("page must be a whole number."))), 400
        query = db.session.query(model)
        if model is self.appbuilder.sm.user_model:
            fields = self.USER_FIELDS
        else:
            fields = lookup_fields(model)
            if not fields:
                return jsonify(message=str(_l("No such table."))), 404
            actor = policy.current_actor()
            resources = policy.resources_by_model().get(model, ())
            if not any(actor.reads(r) for r in resources):
                return jsonify(message=str(_l("Access is denied."))), 403
            query = policy.restrict(query, model, actor)
        try:
            query, related = _filtered(query, model, table)
        except DomainError as err:
            return jsonify(message=str(err.message)), err.status
        query, columns = _lookup_columns(query, model, fields)
        term = (request.args.get("q") or "").strip()[:100]
        if term:
            like = f"%{term}%"
            query = query.filter(or_(*(cast(c, String).ilike(like) for c in columns)))
        if hasattr(model, "active"):
            query = query.filter(model.active.is_(True))
        # relations the rows' names show, loaded in one go rather than per row
        for rel in {*getattr(model, "__lookup_load__", ()), *related.values()}:
            query = query.options(selectinload(getattr(model, rel)))
        rows = (
            query.order_by(columns[0], model.id)
            .offset((page - 1) * self.page_size)
            .limit(self.page_size + 1)
            .all()
        )
        return jsonify(
            results=[_result(r, related) for r in rows[: self.page_size]],
            more=len(rows) > self.page_size,
        )


def lookup_fields(model) -> tuple[str, ...]:
    """The columns a lookup of `model` searches: its `__lookup_fields__`, else `name`
    when it has one; none (no lookup) otherwise. Hidden fields are never searched."""
    fields = getattr(model, "__lookup_fields__", None)
    if fields is None:
        fields = ("name",) if "name" in sa_inspect(model).column_attrs else ()
    hidden = policy.hidden(model)
    return tuple(f for f in fields if f.split(".")[0] not in hidden)


def _lookup_columns(query, model, fields):
    """The searched columns of `__lookup_fields__`; "relation.column" joins that
    (many-to-one) relation once."""
    columns, joined = [], set()
    for name in fields:
        if "." not in name:
            columns.append(getattr(model, name))
            continue
        rel, col = name.split(".", 1)
        attr = getattr(model, rel)
        if rel not in joined:
            query = query.outerjoin(attr)
            joined.add(rel)
        columns.append(getattr(attr.property.mapper.class_, col))
    return query, columns


def _filtered(query, model, table: str):
    """`query` limited by the declared filters in the request (`?customer=3`), and the
    relation each filter names ({parameter: relation}) for the rows' answers. An
    undeclared parameter, a value that is not a record number or a hidden column: 400."""
    declared = LOOKUP_FILTERS.get(table, {})
    hidden = policy.hidden(model)
    mapper = sa_inspect(model)
    related: dict[str, str] = {}
    for param in request.args:
        if param in _OWN_ARGS:
            continue
        column = declared.get(param)
        rel = _relation_of(mapper, column) if column else None
        if column is None or column in hidden or rel in hidden:
            raise DomainError(
                _l("This lookup cannot be filtered by %(name)s.", name=param),
                field=param,
                status=400,
            )
        value = request.args.get(param, "").strip()
        if value == "":
            continue
        try:
            pk = int(value)
        except ValueError:
            pk = None
        if pk is None or pk not in _ID_RANGE:
            raise DomainError(
                _l("%(name)s must be a record number.", name=param), field=param, status=400
            )
        query = query.filter(getattr(model, column) == pk)
    for param, column in declared.items():
        rel = _relation_of(mapper, column)
        if rel is not None and rel not in hidden and column not in hidden:
            related[param] = rel
    return query, related


def _relation_of(mapper, column: str) -> str | None:
    """The many-to-one relation whose key is `column` (unit.customer_id: customer)."""
    for rel in mapper.relationships:
        if rel.direction.name == "MANYTOONE" and any(c.key == column for c in rel.local_columns):
            return rel.key
    return None


def _result(row, related: dict[str, str]) -> dict:
    out: dict = {"id": row.id, "text": lookup_label(row)}
    for param, rel in related.items():
        other = getattr(row, rel)
        if other is not None:
            out[param] = {"id": other.id, "text": lookup_label(other)}
    return out
