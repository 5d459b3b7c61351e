"""Base REST API for every module, and the core's export/import API."""

from __future__ import annotations

from typing import Any

import flask_appbuilder.api as fab_api
import jsonschema
from flask import request
from flask_appbuilder.api import ModelRestApi, expose, safe
from flask_appbuilder.api.convert import Model2SchemaConverter
from flask_appbuilder.exceptions import FABException, InvalidOrderByColumnFABException
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import protect
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import BigInteger
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DataError, IntegrityError

from app import policy
from app.amounts import ColumnDecimalField
from app.datamodel import data_error, integrity_error
from app.db import db
from app.errors import DomainError
from app.rules import RulesHooks
from app.security import API_METHOD_PERMISSIONS

# Raised while a body is loaded, before AppInterface._write can translate them: a
# relation given as a number beyond 64 bits makes marshmallow-sqlalchemy's
# `Related` field look it up, and SQLite's driver raises OverflowError
# (PostgreSQL: DataError). FAB's @safe would answer 500.
_BAD_VALUE_ERRORS = (DataError, OverflowError)


def _write_errors(api, fn, *args):
    """Run FAB's write; a broken rule, a value the database refuses or a constraint
    the loaded body breaks (found when a rule's query flushes it) is a 4xx."""
    try:
        return fn(*args)
    except DomainError as err:
        return api.domain_error(err)
    except _BAD_VALUE_ERRORS:
        return api.domain_error(data_error())
    except IntegrityError as exc:
        db.session.rollback()
        return api.domain_error(integrity_error(exc))


class _RisonValidation:
    """What FAB's @rison decorator uses as `jsonschema`: the same validation, with
    one validator per schema built once. `jsonschema.validate()` checks the schema
    itself on every call, about 20 ms for the `q` of a list: most of an API list
    request's time."""

    ValidationError = jsonschema.ValidationError
    _validators: dict[int, tuple[dict, jsonschema.protocols.Validator]] = {}

    @classmethod
    def validate(cls, instance, schema) -> None:
        entry = cls._validators.get(id(schema))
        if entry is None or entry[0] is not schema:
            validator_cls = jsonschema.validators.validator_for(schema)
            validator_cls.check_schema(schema)
            entry = cls._validators[id(schema)] = (schema, validator_cls(schema))
        error = jsonschema.exceptions.best_match(entry[1].iter_errors(instance))
        if error is not None:
            raise error


fab_api.jsonschema = _RisonValidation


class UserRef(Schema):
    """A user as every answer shows him: id, login and name; never his secrets."""

    id = fields.Integer()
    username = fields.String()
    name = fields.Method("_name")

    def _name(self, user) -> str:
        return " ".join(p for p in (user.first_name, user.last_name) if p)


class SafeSchemaConverter(Model2SchemaConverter):
    """FAB's converter, except that a related user is a `UserRef` and a nested row
    shown whole leaves out its model's secret columns (app.policy.Fields(seen_by=None))."""

    def _column2relation(self, datamodel, column, nested=False, parent_schema_name=None):
        if nested:
            related = datamodel.get_related_model(column.name)
            many = datamodel.is_relation_many_to_many(
                column.name
            ) or datamodel.is_relation_one_to_many(column.name)
            if issubclass(related, User):
                return fields.Nested(UserRef, many=many, dump_only=True)
            secret = set(getattr(related, "__secret_columns__", ()))
            if secret and not column.children:
                from flask_appbuilder.api.convert import TreeNode

                for attr in sa_inspect(related).column_attrs:
                    if attr.key not in secret:
                        column.children.append(TreeNode(attr.key))
        return super()._column2relation(datamodel, column, nested, parent_schema_name)

    def _column2field(self, datamodel, column, nested=True, parent_schema_name=None):
        """A numeric column refuses more decimals than it keeps (FAB's field would
        round them away before any rule sees the value)."""
        field = super()._column2field(datamodel, column, nested, parent_schema_name)
        scale = getattr(
            getattr(datamodel.list_columns.get(column.name), "type", None), "scale", None
        )
        if type(field) is fields.Decimal and scale is not None:
            exact = ColumnDecimalField(
                places=scale,
                required=field.required,
                allow_none=field.allow_none,
                validate=field.validate,
                dump_only=field.dump_only,
                load_only=field.load_only,
            )
            exact.unique = getattr(field, "unique", False)
            return exact
        return field


class PolicyRows(BaseFilter):
    """The record rule of the model's policy (app.policy.Rows), as a FAB base filter:
    every list, record, edit, delete and action of a view or API goes through it."""

    name = "policy"
    arg_name = "policy"

    def apply(self, query, value):
        return policy.restrict(query, self.datamodel.obj)


def add_policy_rows(view) -> None:
    """Give a view or API the record rule of its model (before its own base filters)."""
    view._base_filters.add_filter(view.datamodel.get_pk_name(), PolicyRows, None)


def hidden_filter(args: dict, hidden: frozenset[str]) -> str | None:
    """The first hidden column a list request filters by, if any."""
    for flt in args.get("filters") or []:
        if isinstance(flt, dict) and str(flt.get("col", "")).split(".")[0] in hidden:
            return str(flt.get("col"))
    return None


class DomainErrorsMixin:
    """Turn DomainErrors (broken rules, integrity conflicts) into 4xx JSON."""

    response: Any  # BaseApi's, which this is mixed into

    def domain_error(self, err: DomainError):
        db.session.rollback()
        return self.response(err.status, **err.as_dict())


class AppRestApi(RulesHooks, DomainErrorsMixin, ModelRestApi):
    """ModelRestApi with read/write permissions, errors that are never 500s, and the
    policy of its model: its record rule on every row, its hidden fields never in an
    answer, a filter, an order or a body, related users as `UserRef`."""

    method_permission_name = API_METHOD_PERMISSIONS
    allow_browser_login = True
    page_size = 25
    model2schemaconverter = SafeSchemaConverter

    _STRIPPED = frozenset({"get", "get_list", "post", "put"})

    def _init_properties(self) -> None:
        super()._init_properties()
        add_policy_rows(self)

    def response(self, code, **kwargs):
        endpoint = (request.endpoint or "").rsplit(".", 1)[-1]
        if endpoint in self._STRIPPED and "result" in kwargs:
            model = self.datamodel.obj
            hidden = policy.hidden(model)
            kwargs["result"] = policy.strip(kwargs["result"], model)
            if hidden:
                for key in ("list_columns", "show_columns", "order_columns"):
                    if isinstance(kwargs.get(key), list):
                        kwargs[key] = [c for c in kwargs[key] if c.split(".")[0] not in hidden]
                if isinstance(kwargs.get("label_columns"), dict):
                    kwargs["label_columns"] = {
                        k: v for k, v in kwargs["label_columns"].items() if k not in hidden
                    }
        return super().response(code, **kwargs)

    def _handle_filters_args(self, rison_args):
        column = hidden_filter(rison_args, policy.hidden(self.datamodel.obj))
        if column is not None:
            raise FABException(f"Cannot filter by column: {column}")
        return super()._handle_filters_args(rison_args)

    def _handle_order_args(self, rison_args):
        order = str(rison_args.get("order_column") or "")
        if order and order.split(".")[0] in policy.hidden(self.datamodel.obj):
            raise InvalidOrderByColumnFABException(f"Invalid order by column: {order}")
        return super()._handle_order_args(rison_args)

    def _hidden_field_errors(self) -> dict[str, list[str]]:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return {}
        hidden = policy.hidden(self.datamodel.obj)
        return {k: [str(_l("You may not set this field."))] for k in body if k in hidden}

    def _relation_errors(self, columns) -> dict[str, list[str]]:
        """Relations in a JSON body must name existing rows by id.

        marshmallow-sqlalchemy's `Related` field builds a *new* related object
        when the id is not found (`Partner(id=<missing>)`, saved by the cascade
        unless a NOT NULL column stops it, with a message about that column) and
        `Related(**{"zz": 1})` on an unknown key (TypeError: 500); a 20-digit id
        overflows SQLite (500). Checked here, before FAB loads the body."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return {}
        dm = self.datamodel
        errors: dict[str, list[str]] = {}
        for col in columns:
            value = body.get(col)
            if value is None:
                continue
            if dm.is_relation_many_to_one(col) or dm.is_relation_one_to_one(col):
                values = [value]
            elif dm.is_relation_many_to_many(col) or dm.is_relation_one_to_many(col):
                values = value if isinstance(value, list) else [object()]
            else:
                continue
            related = dm.get_related_interface(col)
            if related.is_pk_composite():
                continue
            pk_name = related.get_pk_name()
            # An id the key column cannot hold does not exist (PostgreSQL would
            # raise on an int4 out of range rather than find nothing).
            pk_type = related.obj.__table__.c[pk_name].type
            limit = 2**63 if isinstance(pk_type, BigInteger) else 2**31
            for v in values:
                if isinstance(v, dict) and set(v) == {pk_name}:
                    v = v[pk_name]
                if not isinstance(v, int) or isinstance(v, bool) or abs(v) >= 2**63:
                    errors[col] = [str(_l("Not a valid id."))]
                    break
                if not -limit <= v < limit or not policy.visible(related.obj, v):
                    errors[col] = [str(_l("The referenced record does not exist."))]
                    break
        return errors

    def post_headless(self):
        errors = self._hidden_field_errors() or self._relation_errors(self.add_columns)
        if errors:
            return self.response_422(message=errors)
        return _write_errors(self, super().post_headless)

    def put_headless(self, pk):
        if self.datamodel.get(pk, self._base_filters) is not None:
            errors = self._hidden_field_errors() or self._relation_errors(self.edit_columns)
            if errors:
                return self.response_422(message=errors)
        return _write_errors(self, super().put_headless, pk)

    def delete_headless(self, pk):
        try:
            return super().delete_headless(pk)
        except DomainError as err:
            return self.domain_error(err)

    def run_service(self, fn, *args, **kwargs):
        """Call a service function in one transaction; 4xx on a broken rule."""
        try:
            result = fn(db.session, *args, **kwargs)
            db.session.commit()
            return result, None
        except DomainError as err:
            return None, self.domain_error(err)
        except ValidationError as err:
            db.session.rollback()
            return None, self.response_422(message=err.messages)


class StateMachineApiMixin:
    """`POST /<pk>/<action>` moves a document along its state machine;
    `GET /<pk>/history` lists its steps. Mix into an AppRestApi and set
    `state_machine`; override `apply_transition` to route through a service."""

    state_machine: Any = None  # app.statemachine.StateMachine

    def apply_transition(self, session, item, action: str, comment: str | None) -> None:
        rules = getattr(self, "rules", None)
        if rules is not None and rules.state_machine is not None:
            rules.transition(session, item, action, comment, policy.current_actor())
        else:
            self.state_machine.apply(session, item, action, comment)

    @expose("/<int:pk>/<action>", methods=["POST"])
    @protect()
    @safe
    def transition(self, pk, action):
        """Apply a transition (action) to a document.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          - {in: path, name: action, required: true, schema: {type: string}}
          requestBody:
            required: false
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    comment: {type: string}
          responses:
            200:
              description: The document's new state and the actions now allowed
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
            409:
              description: The action is not allowed in the document's state
            422:
              $ref: '#/components/responses/422'
        """
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        body = request.get_json(silent=True) if request.data else {}
        if not isinstance(body, dict):
            return self.response_400(message="Request body must be a JSON object")
        comment = body.get("comment")
        if comment is not None and not isinstance(comment, str):
            return self.response_422(message={"comment": ["Not a valid string."]})
        try:
            self.apply_transition(db.session, item, action, comment)
            db.session.commit()
        except DomainError as err:
            return self.domain_error(err)
        machine = self.state_machine
        state = getattr(item, machine.field)
        return self.response(
            200,
            id=item.id,
            state=state,
            state_label=str(machine.label(state)),
            allowed=[t.name for t in machine.allowed(state)],
        )

    @expose("/<int:pk>/history", methods=["GET"])
    @protect()
    @safe
    def history(self, pk):
        """Every state change of a document: who, when, from, to, comment.
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200:
              description: The steps, oldest first
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
        """
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        steps = self.state_machine.history(db.session, item.id)
        return self.response(
            200,
            result=[
                {
                    "from": s.from_state,
                    "to": s.to_state,
                    "at": s.at.isoformat(),
                    "user": s.username,
                    "comment": s.comment,
                }
                for s in steps
            ],
        )
