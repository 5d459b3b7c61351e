"""API robustness: bad input gets a 4xx JSON answer, never a 500, and writes nothing.

Everything is discovered at run time, so a new module is covered without
touching this file:

- REST resources: every ModelRestApi of every loaded module
  (`app.extensions["aftersales"].apis`), with the request schemas of the app's
  own OpenAPI document (`/api/v1/_openapi`) and the column types of its
  datamodel;
- UI list pages: every ModelView registered with the AppBuilder;
- the schemathesis walk: every operation of the OpenAPI document, positive and
  negative cases, with a bounded, derandomized number of examples.

Valid seed bodies come from the modules' demo loaders (a row is read back and
copied), so the checks below mutate one field of an otherwise valid body: the
error cannot hide behind another "field is required" error.

Only the regression tests at the end name a resource (the known FAB 500s from
/work/shared/FAB-NOTES.md).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.views import ModelView
from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy import UniqueConstraint, select

from app.db import db
from tests.conftest import ROLE_USERS, ApiClient

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


@pytest.fixture(scope="module")
def admin(app) -> ApiClient:
    return ApiClient(app, ROLE_USERS["Admin"])


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


@pytest.fixture(scope="module")
def spec(app, admin) -> dict:
    r = admin.get(f"{API}/_openapi")
    if r.status_code == 200 and is_json(r):
        return r.json
    return _build_spec_in_process(app)


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


def test_openapi_document_is_served(app, admin):
    r = admin.get(f"{API}/_openapi")
    if r.status_code != 200:
        from flask_appbuilder.api import BaseApi
        from flask_appbuilder.api.manager import OpenApi

        with app.test_request_context(f"{API}/_openapi"):
            api_spec = OpenApi._create_api_spec("v1")
            for base_api in app.appbuilder.baseviews:
                if isinstance(base_api, BaseApi) and base_api.version == "v1":
                    base_api.add_api_spec(api_spec)
            bad = _non_string_keys(api_spec.to_dict())
        pytest.fail(
            f"/api/v1/_openapi: {describe(r)}; non-string keys (quote YAML "
            f"keys like `on:` in the API docstrings): {bad}"
        )
    assert is_json(r)


@pytest.fixture(scope="module")
def resources(app, spec) -> list[Resource]:
    found = []
    for api in app.extensions["aftersales"].apis:
        if not isinstance(api, ModelRestApi):
            continue
        base = f"{API}/{api.resource_name}/"
        ops = spec["paths"].get(base, {})
        item_ops = spec["paths"].get(base + "{pk}", {})
        found.append(
            Resource(
                api=api,
                name=api.resource_name,
                base=base,
                post_schema=_body_schema(spec, ops.get("post")),
                put_schema=_body_schema(spec, item_ops.get("put")),
                methods={m.upper() for m in ops} | {f"{m.upper()}_ITEM" for m in item_ops},
            )
        )
    assert found, "no ModelRestApi loaded: the walk would test nothing"
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


def count(admin: ApiClient, res: Resource) -> int:
    r = admin.get(res.base, query_string={"q": "(page_size:1,keys:!(none))"})
    assert r.status_code == 200, describe(r)
    return r.json["count"]


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
            yield f"{col}=<NUL char>", "a\x00b", False
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


# --------------------------------------------------------------------------- write checks


def _rejected_writes(app, admin, res: Resource, method: str, failures: Failures) -> None:
    schema = res.post_schema if method == "post" else res.put_schema
    if not schema:
        return
    base = seed_body(app, res, schema, n=1)
    pk = first_id(admin, res) if method == "put" else None
    url = res.base if method == "post" else f"{res.base}{pk}"
    if method == "put" and (pk is None or "PUT_ITEM" not in res.methods):
        return  # nothing to edit: no demo row, or no PUT
    if method == "post" and "POST" not in res.methods:
        return

    def snapshot():
        if method == "post":
            return count(admin, res)
        r = admin.get(url)
        return r.status_code, r.json

    cases: list[tuple[str, dict, bool]] = [
        (lbl, kw, True) for lbl, kw in body_mutations(schema, base, method)
    ]
    if base is not None:
        for lbl, bad, must_reject in field_mutations(res, schema):
            cases.append((lbl, {"json": {**base, lbl.split("=")[0]: bad}}, must_reject))
    before = snapshot()
    for label, kwargs, must_reject in cases:
        what = f"{method.upper()} {url} [{label}]"
        r = getattr(admin, method)(url, **kwargs)
        if must_reject:
            failures.check_4xx(what, r)
        else:
            failures.check_no_500(what, r)
        if r.status_code >= 400:
            after = snapshot()
            if after != before:
                failures.add(
                    f"{what}: rejected with {r.status_code} but data changed "
                    f"{str(before)[:200]} -> {str(after)[:200]}"
                )
                before = after
        elif r.status_code < 300:
            if method == "post" and "id" in (r.json or {}):
                # An accepted "odd but legal" value: remove the row again.
                admin.delete(f"{res.base}{r.json['id']}")
            before = snapshot()


def test_rejected_posts_write_nothing(app, admin, resources):
    load_demo(app)
    failures = Failures()
    for res in resources:
        _rejected_writes(app, admin, res, "post", failures)
    failures.assert_none()


def test_rejected_puts_change_nothing(app, admin, resources):
    load_demo(app)
    failures = Failures()
    for res in resources:
        _rejected_writes(app, admin, res, "put", failures)
    failures.assert_none()


def test_duplicates_and_missing_references_are_4xx(app, admin, resources):
    """A copy of an existing row (same unique values) and a reference to a missing row."""
    load_demo(app)
    failures = Failures()
    for res in resources:
        if not res.post_schema:
            continue
        copy = seed_body(app, res, res.post_schema, fresh=False)
        if copy is None:
            continue
        uniques = _unique_columns(res.model) & {k for k, v in copy.items() if v is not None}
        before = count(admin, res)
        r = admin.post(res.base, json=copy)
        if uniques:
            failures.check_4xx(f"POST {res.base} [duplicate {sorted(uniques)}]", r)
            if count(admin, res) != before:
                failures.add(f"POST {res.base} [duplicate]: a row was written")
            if r.status_code < 500 and re.search(r"(?i)insert|constraint|sqlite|psycopg", r.text):
                failures.add(f"POST {res.base} [duplicate]: answer leaks SQL: {describe(r)}")
        else:
            failures.check_no_500(f"POST {res.base} [copy]", r)
        fresh = seed_body(app, res, res.post_schema, n=3)
        for col in fresh:
            kind = res.relation(col)
            if kind is None:
                continue
            before = count(admin, res)
            bad = [MISSING_ID] if kind == "many" else MISSING_ID
            r = admin.post(res.base, json={**fresh, col: bad})
            failures.check_4xx(f"POST {res.base} [{col}=<missing row>]", r)
            if count(admin, res) != before:
                failures.add(f"POST {res.base} [{col}=<missing row>]: a row was written")
    failures.assert_none()


# --------------------------------------------------------------------------- reads, ids, q


def test_unknown_ids_are_404(admin, resources):
    failures = Failures()
    for res in resources:
        for pk in (MISSING_ID, 0, 2**31, 2**63, 10**30):
            url = f"{res.base}{pk}"
            for method in ("get", "delete"):
                if f"{method.upper()}_ITEM" not in res.methods:
                    continue
                r = getattr(admin, method)(url)
                if r.status_code != 404 or not is_json(r):
                    failures.add(f"{method.upper()} {url}: expected JSON 404, got {describe(r)}")
            if "PUT_ITEM" not in res.methods:
                continue
            body = seed_body(admin.client.application, res, res.put_schema) or {}
            r = admin.put(url, json=body)
            if r.status_code not in (404, 422) or not is_json(r):
                failures.add(f"PUT {url}: expected JSON 404/422, got {describe(r)}")
        for pk in ("-1", "abc", "1.5", "%00", "1;DROP"):
            r = admin.get(f"{res.base}{pk}")
            failures.check_4xx(f"GET {res.base}{pk}", r)
    failures.assert_none()


def test_invalid_q_is_4xx(app, admin, resources):
    load_demo(app)
    failures = Failures()
    for res in resources:
        pk = first_id(admin, res)
        for url in (res.base, f"{res.base}_info", f"{res.base}{pk}"):
            for q in Q_INVALID:
                r = admin.get(url, query_string={"q": q})
                failures.check_no_500(f"GET {url}?q={q[:40]}", r)
        # The ones the brief names must not be silently accepted on the list.
        for q in ("(((", "(page_size:abc)", "(order_column:nonexistent,order_direction:asc)"):
            failures.check_4xx(f"GET {res.base}?q={q}", admin.get(res.base, query_string={"q": q}))
    failures.assert_none()


def test_csv_endpoints_answer_json_errors(app, admin):
    failures = Failures()
    loaded = app.extensions["aftersales"]
    failures.check_4xx("export unknown", admin.get(f"{API}/csv/export/zz-unknown"))
    failures.check_4xx(
        "import unknown",
        admin.post(f"{API}/csv/import/zz-unknown", data={"file": (_bytes(b"a,b\n1,2\n"), "x.csv")}),
    )
    for name in loaded.exports:
        url = f"{API}/csv/export/{name}"
        for params in (
            {"date_from": "2024-13-45"},
            {"date_from": "abc", "date_to": "0000-00-00"},
            {"delimiter": "zzz"},
            {"decimal": "zzz"},
            {"bom": "maybe"},
        ):
            r = admin.get(url, query_string=params)
            failures.check_no_500(f"GET {url} {params}", r, json_on_success=False)
    for name in loaded.imports:
        url = f"{API}/csv/import/{name}"
        failures.check_4xx(f"POST {url} [no file]", admin.post(url))
        failures.check_4xx(f"POST {url} [JSON]", admin.post(url, json={"file": "a"}))
        for label, payload in (
            ("binary", b"\x00\xff\xfe" * 100),
            ("empty", b""),
            ("header only", b"zz,yy\n"),
            ("bad utf-8", b"name\n\xff\xfe\n"),
            ("huge field", b"name\n" + b"x" * 200_000 + b"\n"),
        ):
            for extra in ({}, {"delimiter": "zzz"}, {"dry_run": "maybe"}):
                r = admin.post(url, data={"file": (_bytes(payload), "x.csv"), **extra})
                failures.check_no_500(f"POST {url} [{label} {extra}]", r)
    failures.assert_none()


def _bytes(data: bytes):
    import io

    return io.BytesIO(data)


# --------------------------------------------------------------------------- UI list pages


def _model_views(app) -> list[ModelView]:
    return [v for v in app.appbuilder.baseviews if isinstance(v, ModelView)]


def test_modelview_list_params_are_400(app, ui):
    client = ui("Admin")
    failures = Failures()
    views = _model_views(app)
    assert views
    for view in views:
        name = view.__class__.__name__
        url = f"{view.route_base}/list/"
        bad = [
            {f"page_{name}": "abc"},
            {f"psize_{name}": "abc"},
            {f"page_{name}": "-1"},
            {f"psize_{name}": "-1"},
            {f"page_{name}": "\u00b2"},  # isdigit() but not int()
            {f"x_page_{name}": "abc"},  # FAB matches "page_" anywhere in the name
            {f"page_{name}": "99999999999999999999"},
            {f"psize_{name}": "99999999999999999999"},
            {f"_oc_{name}": "nonexistent_column", f"_od_{name}": "asc"},
            {f"_oc_{name}": "id; DROP", f"_od_{name}": "desc"},
        ]
        for params in bad:
            r = client.get(url, query_string=params)
            if r.status_code >= 500:
                failures.add(f"GET {url} {params}: server error {r.status_code}")
            elif params in bad[:2] + bad[8:9] and r.status_code != 400:
                failures.add(f"GET {url} {params}: expected 400, got {r.status_code}")
    failures.assert_none()


# --------------------------------------------------------------------------- schemathesis


def test_schemathesis_walk(app, admin, spec):
    """Every operation of the OpenAPI document, positive and negative cases."""
    import schemathesis
    from schemathesis import GenerationMode

    load_demo(app)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(spec)))
    failures = Failures()
    operations = [op.ok() for op in schema.get_all_operations()]
    assert operations
    examples = max(MIN_EXAMPLES, min(MAX_EXAMPLES, TOTAL_CASES // (2 * len(operations))))
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _walk_operation(app, admin, op, mode, examples, failures)
    failures.assert_none()


def _json_on_success(op) -> bool:
    """Whether the document promises JSON for the operation's 2xx answers (not CSV, PDF)."""
    for code, response in (op.definition.raw.get("responses") or {}).items():
        if str(code).startswith("2"):
            content = (response or {}).get("content") or {}
            if content and not any("json" in media for media in content):
                return False
    return True


def _walk_operation(app, admin, op, mode, examples: int, failures: Failures) -> None:
    seen: list[str] = []
    json_on_success = _json_on_success(op)

    def check(case) -> None:
        headers = {**admin.headers}
        resp = case.call(app=app, headers=headers)
        body = str(case.body)[:200]
        what = f"{case.method} {case.formatted_path} ({mode.value}) {case.query} {body}"
        binary_ok = resp.status_code < 300 and not json_on_success
        if resp.status_code >= 500:
            seen.append(f"{what}: server error {resp.status_code} {resp.content[:300]!r}")
        elif not binary_ok and not _response_is_json(resp):
            seen.append(f"{what}: not JSON {resp.status_code} {resp.content[:200]!r}")

    test = settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(given(case=op.as_strategy(generation_mode=mode))(check))
    try:
        test()
    except Exception as exc:  # generation errors are failures of the walk too
        seen.append(f"{op.label} ({mode.value}): {type(exc).__name__}: {str(exc)[:300]}")
    for msg in dict.fromkeys(seen):
        failures.add(msg)


def _content_type(resp) -> str:
    value = resp.headers.get("content-type", "")  # schemathesis: name -> list of values
    return value[0] if isinstance(value, list) and value else str(value)


def _response_is_json(resp) -> bool:
    if "json" not in _content_type(resp):
        return False
    try:
        json.loads(resp.content)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- regressions
# The known FAB 500s (FAB-NOTES.md), pinned on concrete resources.


def test_regression_duplicate_unique_value_is_409(app, admin):
    load_demo(app)
    existing = admin.get(f"{API}/partner/", query_string={"q": "(page_size:1)"}).json["result"][0]
    body = {k: existing[k] for k in ("ref", "name", "is_customer", "is_dealer", "is_supplier")}
    before = admin.get(f"{API}/partner/").json["count"]
    r = admin.post(f"{API}/partner/", json=body)
    assert r.status_code == 409 and is_json(r), describe(r)
    assert "ref" in r.json["message"]
    assert not re.search(r"(?i)insert|constraint", r.text)
    assert admin.get(f"{API}/partner/").json["count"] == before
    # PUT of another partner to the same ref: 409 too, no SQL in the answer.
    other = admin.get(f"{API}/partner/", query_string={"q": "(page:1,page_size:1)"}).json
    r = admin.put(f"{API}/partner/{other['ids'][0]}", json={"ref": existing["ref"]})
    assert r.status_code in (409, 422) and is_json(r), describe(r)
    assert not re.search(r"(?i)insert|update |constraint", r.text)


def test_regression_missing_foreign_key_is_4xx(app, admin):
    before = admin.get(f"{API}/contact/").json["count"]
    r = admin.post(f"{API}/contact/", json={"partner": MISSING_ID, "name": "Nobody"})
    assert 400 <= r.status_code < 500 and is_json(r), describe(r)
    assert admin.get(f"{API}/contact/").json["count"] == before


@pytest.mark.parametrize("bad_id", [2**31, -13448056851349, True, "1", 1.5])
def test_regression_out_of_range_foreign_key_is_422(app, admin, bad_id):
    """Found by the walk on PostgreSQL: an id beyond int4 raised instead of missing."""
    load_demo(app)
    partner = admin.get(f"{API}/partner/", query_string={"q": "(page_size:1)"}).json["ids"][0]
    before = admin.get(f"{API}/interaction/").json["count"]
    body = {
        "partner": partner,
        "contact": bad_id,
        "kind": "call",
        "on": "2026-11-20",
        "subject": "x",
    }
    r = admin.post(f"{API}/interaction/", json=body)
    assert r.status_code == 422 and is_json(r), describe(r)
    assert "contact" in r.json["message"]
    assert admin.get(f"{API}/interaction/").json["count"] == before


@pytest.mark.parametrize("path", ["partner/", "partner/_info", "partner/1"])
def test_regression_unbalanced_rison_is_400(admin, path):
    r = admin.get(f"{API}/{path}", query_string={"q": "((("})
    assert r.status_code == 400 and is_json(r), describe(r)


@pytest.mark.parametrize(
    "body",
    [
        {"username": "admin", "password": "x"},
        {"username": "admin", "password": "x", "provider": "zzz"},
        {"provider": "db"},
        {"username": 1, "password": ["x"], "provider": "db"},
        [],
        "admin",
    ],
)
def test_regression_login_without_provider_is_400(app, body):
    r = app.test_client().post(f"{API}/security/login", json=body)
    assert r.status_code == 400 and is_json(r), describe(r)


@pytest.mark.parametrize(
    "params",
    [
        {"page_PartnerView": "abc"},
        {"psize_PartnerView": "abc"},
        {"_oc_PartnerView": "nonexistent", "_od_PartnerView": "asc"},
    ],
)
def test_regression_modelview_bad_list_params_are_400(ui, params):
    r = ui("Admin").get("/partnerview/list/", query_string=params)
    assert r.status_code == 400
