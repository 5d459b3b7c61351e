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

import re

import pytest
from flask_appbuilder.views import ModelView

from tests.security.robustness import (
    API,
    MISSING_ID,
    Q_INVALID,
    Failures,
    Resource,
    _non_string_keys,
    _unique_columns,
    body_mutations,
    count,
    describe,
    field_mutations,
    first_id,
    is_json,
    load_demo,
    row_state,
    seed_body,
)


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
            return count(app, res)
        return row_state(app, res, pk)

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
        before = count(app, res)
        r = admin.post(res.base, json=copy)
        if uniques:
            failures.check_4xx(f"POST {res.base} [duplicate {sorted(uniques)}]", r)
            if count(app, res) != before:
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
            before = count(app, res)
            bad = [MISSING_ID] if kind == "many" else MISSING_ID
            r = admin.post(res.base, json={**fresh, col: bad})
            failures.check_4xx(f"POST {res.base} [{col}=<missing row>]", r)
            if count(app, res) != before:
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


# Filter values a column cannot hold: FAB turns "abc" for a number into NULL, but a
# 20-digit number reached the database (int4 / numeric overflow: 500 on PostgreSQL,
# OverflowError on SQLite); a bad date or a "²" must not get further.
FILTER_VALUES = ("99999999999999999999", "-99999999999999999999", "1e999", "2024-13-45", "\u00b2")


def test_modelview_list_filters_with_bad_values_are_not_500(app, ui):
    """Every ModelView, every search column and operator at once, per bad value
    (FAB's own user and role lists too)."""
    load_demo(app)
    client = ui("Admin")
    failures = Failures()
    for view in _model_views(app):
        keys = [
            f"_flt_{i}_{col}"
            for col in view.search_columns
            for i, _ in enumerate(view._filters._search_filters.get(col, []))
        ]
        if not keys:
            continue
        url = f"{view.route_base}/list/"
        for value in FILTER_VALUES:
            # 400 from the edge or the datamodel; FAB's own relation filters flash
            # "An error occurred" and redirect (PostgreSQL: "²" is no id).
            r = client.get(url, query_string={k: value for k in keys})
            if r.status_code not in (200, 302, 400):
                failures.add(f"GET {url} every filter={value!r}: got {r.status_code}")
    failures.assert_none()


def test_api_list_filters_with_bad_values_are_4xx_or_200(app, admin, resources):
    """Every API list, every filterable column and operator at once, per bad value."""
    load_demo(app)
    failures = Failures()
    for res in resources:
        parts = [
            (col, flt.arg_name)
            for col, flts in res.api._filters.get_search_filters().items()
            for flt in flts
        ]
        if not parts:
            continue
        # quoted strings, and rison values of other shapes: a big number, a list
        for value in (*(f"'{v}'" for v in FILTER_VALUES), "99999999999999999999", "!(1,'a')"):
            flts = ",".join(f"(col:{col},opr:{opr},value:{value})" for col, opr in parts)
            q = f"(filters:!({flts}))"
            r = admin.get(res.base, query_string={"q": q})
            failures.check_no_500(f"GET {res.base} every filter={value!r}", r)
    failures.assert_none()
