"""Shared machinery of the API robustness tests (see test_api_robustness.py)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_appbuilder.api import ModelRestApi
from sqlalchemy import UniqueConstraint, func, inspect, select

from app.db import db
from tests.conftest import ApiClient

API = "/api/v1"
MISSING_ID = 987_654_321
# The schemathesis walk: about this many cases in all, spread over the operations
# (each operation and generation mode gets between MIN_ and MAX_EXAMPLES).
TOTAL_CASES = 300
MIN_EXAMPLES, MAX_EXAMPLES = 3, 25
Q_INVALID = [
    "(((",
    "(page:-1)",
    "(page_size:abc)",
    "(order_column:nonexistent,order_direction:asc)",
    "(filters:!((col:zzz,opr:eq,value:1)))",
    "(filters:!((col:id,opr:zzz,value:1)))",
    "(filters:zzz)",
    "(filters:!(zzz))",
    "(columns:!(zzz))",
    "(select_columns:!(zzz))",
    "(keys:!(zzz))",
    "(page:99999999999999999999,page_size:1)",
    "(page_size:-5)",
    "(order_direction:sideways)",
    "!(1,2)",
    "zzz",
    "(" * 3000,
    '{"page": "abc"}',
    "(filters:!((col:id,opr:eq,value:'a\x00b')))",
    "(filters:!((col:id,opr:eq,value:99999999999999999999)))",
]


# --------------------------------------------------------------------------- helpers


def is_json(resp) -> bool:
    if not resp.is_json:
        return False
    try:
        json.loads(resp.get_data(as_text=True))
    except ValueError:
        return False
    return True


def describe(resp) -> str:
    return f"{resp.status_code} {resp.content_type} {resp.get_data(as_text=True)[:300]!r}"


class Failures:
    """Collect every failure of a walk and report them together."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def check_4xx(self, what: str, resp) -> None:
        if not 400 <= resp.status_code < 500:
            self.items.append(f"{what}: expected 4xx, got {describe(resp)}")
        elif not is_json(resp):
            self.items.append(f"{what}: 4xx answer is not JSON: {describe(resp)}")

    def check_no_500(self, what: str, resp, json_on_success: bool = True) -> None:
        if resp.status_code >= 500:
            self.items.append(f"{what}: server error {describe(resp)}")
        elif (resp.status_code >= 400 or json_on_success) and not is_json(resp):
            self.items.append(f"{what}: answer is not JSON: {describe(resp)}")

    def add(self, msg: str) -> None:
        self.items.append(msg)

    def assert_none(self) -> None:
        assert not self.items, f"{len(self.items)} failure(s):\n" + "\n".join(self.items[:80])


@dataclass
class Resource:
    """One ModelRestApi, with what the checks need to know about it."""

    api: ModelRestApi
    name: str
    base: str
    post_schema: dict | None
    put_schema: dict | None
    methods: set[str] = field(default_factory=set)

    @property
    def model(self):
        return self.api.datamodel.obj

    def relation(self, col: str) -> str | None:
        dm = self.api.datamodel
        if dm.is_relation_many_to_one(col) or dm.is_relation_one_to_one(col):
            return "one"
        if dm.is_relation_many_to_many(col) or dm.is_relation_one_to_many(col):
            return "many"
        return None


def _resolve(spec: dict, schema: dict | None) -> dict | None:
    while schema and "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _body_schema(spec: dict, op: dict | None) -> dict | None:
    if not op or "requestBody" not in op:
        return None
    content = op["requestBody"].get("content", {})
    return _resolve(spec, content.get("application/json", {}).get("schema"))


def _build_spec_in_process(app) -> dict:
    """The document /api/v1/_openapi serves, built without the HTTP layer, so the
    walk still runs when that endpoint is broken (test_openapi_document_is_served
    reports that). Non-string keys (YAML 1.1 reads `on:` as True) become strings."""
    from flask_appbuilder.api import BaseApi
    from flask_appbuilder.api.manager import OpenApi

    with app.test_request_context(f"{API}/_openapi"):
        api_spec = OpenApi._create_api_spec("v1")
        for base_api in app.appbuilder.baseviews:
            if isinstance(base_api, BaseApi) and base_api.version == "v1":
                base_api.add_api_spec(api_spec)
        return json.loads(json.dumps(api_spec.to_dict()))


def _non_string_keys(node, path=()) -> list[str]:
    found = []
    if isinstance(node, dict):
        if any(not isinstance(k, str) for k in node):
            found.append(
                "/".join(map(str, path)) + f": keys {[k for k in node if not isinstance(k, str)]}"
            )
        for k, v in node.items():
            found += _non_string_keys(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _non_string_keys(v, (*path, i))
    return found


def load_demo(app) -> None:
    """Every loaded module's demo data (small), in dependency order."""
    with app.app_context():
        from app.audit import acting_as

        with acting_as(None, "test"):
            for _name, loader in app.extensions["aftersales"].demo:
                loader(db.session, "small")
            db.session.commit()
        db.session.remove()


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _unique_columns(model) -> set[str]:
    table = model.__table__
    names = {c.name for c in table.columns if c.unique}
    for cons in table.constraints:
        if isinstance(cons, UniqueConstraint):
            names |= {c.name for c in cons.columns}
    for index in table.indexes:
        if index.unique:
            names |= {c.name for c in index.columns}
    return names


def _fresh(value, n: int, max_length: int | None):
    """A value of the same shape as `value` that no existing row uses."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value + 500_000 + n
    if isinstance(value, str):
        runs = list(re.finditer(r"\d+", value))
        if runs:
            m = runs[-1]
            width = len(m.group())
            digits = str(10**width - 1 - n).zfill(width)[-width:]
            return value[: m.start()] + digits + value[m.end() :]
        out = f"{value}Z{n}"
        return out[-max_length:] if max_length else out
    return value


def seed_body(app, res: Resource, schema: dict | None, n: int = 0, fresh: bool = True):
    """A JSON body copied from an existing row (the first one), or None if there is none.

    With `fresh`, unique columns get values no row has, so the body can be created."""
    if not schema:
        return None
    props = schema.get("properties", {})
    with app.app_context():
        item = db.session.scalars(
            select(res.model).order_by(*res.model.__table__.primary_key).limit(1)
        ).first()
        if item is None:
            db.session.remove()
            return None
        unique = _unique_columns(res.model)
        body = {}
        for col in props:
            kind = res.relation(col)
            value = getattr(item, col, None)
            if kind == "one":
                body[col] = value.id if value is not None else None
            elif kind == "many":
                body[col] = [v.id for v in value or []]
            else:
                body[col] = _jsonable(value)
                if fresh and col in unique:
                    body[col] = _fresh(body[col], n, props[col].get("maxLength"))
        db.session.remove()
    return body


def count(app, res: Resource) -> int:
    """Rows of the resource's table, read from the database (not through the API:
    what matters is that nothing was written, and it is 50x cheaper)."""
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(res.model.__table__))
        db.session.remove()
    return n


def row_state(app, res: Resource, pk) -> tuple:
    """One row's columns and the ids of its to-many relations, from the database."""
    model = res.model
    with app.app_context():
        item = db.session.get(model, pk)
        if item is None:
            state: tuple = (None,)
        else:
            columns = tuple(getattr(item, c.key) for c in inspect(model).column_attrs)
            links = tuple(
                sorted(o.id for o in getattr(item, rel.key))
                for rel in inspect(model).relationships
                if rel.uselist
            )
            state = (columns, links)
        db.session.remove()
    return state


def first_id(admin: ApiClient, res: Resource):
    r = admin.get(res.base, query_string={"q": "(page_size:1,order_column:id,order_direction:asc)"})
    assert r.status_code == 200, describe(r)
    return r.json["ids"][0] if r.json["ids"] else None


def field_mutations(res: Resource, schema: dict) -> Iterable[tuple[str, Any, bool]]:
    """(label, bad value, must be rejected) for every field of a request schema.

    `must be rejected` is True when the schema forbids the value; otherwise the
    value may be legal (a 10,000-character note, a negative quantity without a
    minimum) and only a server error or a non-JSON answer is a failure."""
    for col, prop in schema.get("properties", {}).items():
        kind = res.relation(col)
        typ = prop.get("type")
        nullable = prop.get("nullable", False)
        if kind is not None:
            for bad in ("abc", [[1]], {"zz": 1}):
                yield f"{col}={bad!r}", bad, True
            # marshmallow-sqlalchemy looks a relation up by {"id": 1} too; True == 1.
            for odd in ({"id": 1}, True):
                yield f"{col}={odd!r}", odd, False
            missing = [MISSING_ID] if kind == "many" else MISSING_ID
            yield f"{col}=<missing row>", missing, True
            for big in (-1, 2**63, 10**30):
                yield f"{col}={big}", [big] if kind == "many" else big, True
            continue
        if not nullable and col != "id":
            yield f"{col}=null", None, True
        if typ == "string":
            yield f"{col}=123", 123, True
            yield f"{col}={{}}", {"a": 1}, True
            max_length = prop.get("maxLength")
            if max_length:
                yield f"{col}=<maxLength+1>", "x" * (max_length + 1), True
            yield f"{col}=<10,000 chars>", "x" * 10_000, bool(max_length)
            # control characters no text holds: refused at the edge (400)
            yield f"{col}=<NUL char>", "a\x00b", True
            yield f"{col}=<ESC char>", "a\x1bb", True
            yield f"{col}=<lone surrogate>", "a\ud800b", True
            if "enum" in prop:
                yield f"{col}=<not in enum>", "zz-not-an-option", True
            fmt = prop.get("format")
            if fmt in ("date", "date-time"):
                for bad in ("2024-13-45", "not a date", "0000-00-00", "99999-01-01"):
                    yield f"{col}={bad!r}", bad, True
        elif typ in ("integer", "number"):
            yield f"{col}='abc'", "abc", True
            yield f"{col}='NaN'", "NaN", True
            for big in (-1, 2**31, -(2**63) - 1, 10**30, 1e308):
                too_low = "minimum" in prop and big < prop["minimum"]
                too_high = "maximum" in prop and big > prop["maximum"]
                yield f"{col}={big}", big, too_low or too_high
            if typ == "integer":  # marshmallow truncates 1.5 to 1: odd, but legal
                yield f"{col}=1.5", 1.5, False
        elif typ == "boolean":
            for bad in ("maybe", 2, {"a": 1}):
                yield f"{col}={bad!r}", bad, True


def body_mutations(schema: dict, base: dict | None, method: str) -> Iterable[tuple[str, dict]]:
    """(label, request kwargs) for malformed bodies: all must be rejected."""
    base = base or {}
    yield "non-JSON body", {"data": "this is not json", "content_type": "application/json"}
    yield "truncated JSON", {"data": '{"a": ', "content_type": "application/json"}
    yield "text/plain body", {"data": json.dumps(base), "content_type": "text/plain"}
    yield "form body", {"data": {"a": "1"}}
    yield "empty body", {"data": "", "content_type": "application/json"}
    yield "JSON array", {"json": [base]}
    yield "JSON string", {"json": "abc"}
    yield "JSON number", {"json": 1}
    yield "JSON null", {"data": "null", "content_type": "application/json"}
    yield "deeply nested JSON", {"data": "[" * 100_000, "content_type": "application/json"}
    yield "invalid UTF-8", {"data": b'{"a": "\xff\xfe"}', "content_type": "application/json"}
    yield "unknown field", {"json": {**base, "zz_unknown_field": 1}}
    if method == "put":
        return  # FAB's PUT is a partial update: nothing is required
    for col in schema.get("required", []):
        yield f"missing required {col}", {"json": {k: v for k, v in base.items() if k != col}}
