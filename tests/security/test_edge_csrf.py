"""A form sent without its CSRF token, or with a forged one, gets the app's 400 page
in the user's language (with his menu), writes nothing, and is never a 500 (the page
used to crash: the error is raised before FAB's hook sets g.user, which the menu reads)."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app import create_app
from app.edge import ERROR_TITLES
from tests.conftest import ROLE_USERS, base_config, password_of


@pytest.fixture
def csrf_app(database_url, app):
    """The same database, with CSRF protection switched on (as in production)."""
    cfg = base_config(database_url)
    cfg["WTF_CSRF_ENABLED"] = True
    return create_app(cfg)


def _token(client, url: str = "/login/") -> str:
    page = client.get(url).get_data(as_text=True)
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert m, "no CSRF token on " + url
    return m.group(1)


def _login(client, role: str) -> None:
    user = ROLE_USERS[role]
    r = client.post(
        "/login/",
        data={"username": user, "password": password_of(user), "csrf_token": _token(client)},
    )
    assert r.status_code == 302 and "/login" not in r.headers["Location"], r.data[:300]


def _partners(run) -> int:
    from modules.partners.models import Partner

    return run(lambda s: s.scalar(select(func.count()).select_from(Partner)))


BAD_TOKENS = ({}, {"csrf_token": "forged"}, {"csrf_token": ""})


def test_a_logged_in_form_without_a_valid_token_gets_the_400_page(csrf_app, run):
    client = csrf_app.test_client()
    _login(client, "Service Manager")
    for extra in BAD_TOKENS:
        r = client.post("/partnerview/add", data={"name": "Acme", **extra})
        assert r.status_code == 400, (extra, r.status_code, r.data[:300])
        page = r.get_data(as_text=True)
        assert "CSRF" in page
        assert "/partnerview/list/" in page  # the user's menu is there
    assert _partners(run) == 0


def test_the_login_form_without_a_token_gets_the_400_page(csrf_app):
    client = csrf_app.test_client()
    user = ROLE_USERS["Viewer"]
    for extra in BAD_TOKENS:
        r = client.post("/login/", data={"username": user, "password": password_of(user), **extra})
        assert r.status_code == 400 and b"CSRF" in r.data
    assert client.get("/partnerview/list/").status_code == 302  # not logged in


def test_the_csrf_page_speaks_the_users_language(csrf_app):
    client = csrf_app.test_client()
    _login(client, "Service Manager")
    client.get("/lang/ru")
    r = client.post("/partnerview/add", data={"name": "Acme"})
    assert r.status_code == 400
    with csrf_app.test_request_context(), force_locale("ru"):
        title = str(ERROR_TITLES[400])
    with csrf_app.test_request_context(), force_locale("en"):
        assert title != str(ERROR_TITLES[400]), "the 400 title has no Russian translation"
    assert title in r.get_data(as_text=True)


def test_a_valid_token_still_works(csrf_app, run):
    client = csrf_app.test_client()
    _login(client, "Service Manager")
    token = _token(client, "/partnerview/add")
    r = client.post(
        "/partnerview/add", data={"name": "Acme", "is_customer": "y", "csrf_token": token}
    )
    assert r.status_code == 302, r.data[:300]
    assert _partners(run) == 1


def test_every_form_route_without_a_token_is_a_400(csrf_app):
    """Every POST route of the screens (walked from app.url_map), logged in as Admin,
    without a token: the 400 page, never a 500 and never the action."""
    from tests.security.test_edge_routes import _url

    client = csrf_app.test_client()
    _login(client, "Admin")
    bad = []
    rules = [
        r
        for r in csrf_app.url_map.iter_rules()
        if "POST" in r.methods and not r.rule.startswith("/api/")
    ]
    assert len(rules) > 50
    for rule in rules:
        url = _url(rule, 1)
        r = client.post(url, data={"name": "x"})
        if r.status_code != 400:
            bad.append(f"POST {url}: {r.status_code}")
    assert not bad, bad[:40]
