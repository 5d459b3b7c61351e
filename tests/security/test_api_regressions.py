"""The known Flask-AppBuilder 500s (FAB-NOTES.md) and those the walk found, pinned
on concrete resources."""

from __future__ import annotations

import re

import pytest

from tests.security.robustness import API, MISSING_ID, describe, is_json, load_demo

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
