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
from app.views import _model_by_table


class LookupView(BaseView):
    """`/lookup/<table>/?q=&page=`: select2 search for LookupField.

    Open to a logged-in user who may read a screen or API of that table, limited
    by the table's record rule (app.policy: a technician is offered his own
    repairs), on the columns the model declares (`__lookup_fields__`, else its
    `name`); a table that declares neither has no lookup (404). Login users
    (`ab_user`) are a directory every logged-in user may search, active users
    only: assignees, deputies and the like pick from it.
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
        query, columns = _lookup_columns(query, model, fields)
        term = (request.args.get("q") or "").strip()[:100]
        if term:
            like = f"%{term}%"
            query = query.filter(or_(*(cast(c, String).ilike(like) for c in columns)))
        if hasattr(model, "active"):
            query = query.filter(model.active.is_(True))
        # relations the rows' names show, loaded in one go rather than per row
        for rel in getattr(model, "__lookup_load__", ()):
            query = query.options(selectinload(getattr(model, rel)))
        rows = (
            query.order_by(columns[0], model.id)
            .offset((page - 1) * self.page_size)
            .limit(self.page_size + 1)
            .all()
        )
        return jsonify(
            results=[{"id": r.id, "text": str(r)} for r in rows[: self.page_size]],
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
