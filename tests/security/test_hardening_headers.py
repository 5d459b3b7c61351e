"""Response headers: scripts need the request's CSP nonce (no 'unsafe-inline', no
inline handlers in our pages), HSTS behind HTTPS, and nothing a logged-in user is
shown is kept by caches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import create_app
from tests.conftest import base_config

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/", "/partnerview/list/", "/partnerview/add", "/exports/", "/users/list/"]


def _script_src(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    (directive,) = [d.strip() for d in policy.split(";") if d.strip().startswith("script-src")]
    return directive


def _nonce(response) -> str:
    match = re.search(r"'nonce-([^']+)'", _script_src(response))
    assert match, _script_src(response)
    return match.group(1)


@pytest.mark.parametrize("path", PAGES)
def test_every_script_carries_the_requests_nonce(ui, path):
    r = ui("Admin").get(path)
    assert r.status_code == 200
    assert "'unsafe-inline'" not in _script_src(r)
    nonce = _nonce(r)
    scripts = re.findall(r"<script\b[^>]*>", r.data.decode())
    assert scripts, path
    without = [s for s in scripts if f'nonce="{nonce}"' not in s]
    assert without == [], f"{path}: scripts without the nonce: {without}"


def test_the_login_page_scripts_carry_the_nonce(app):
    r = app.test_client().get("/login/")
    nonce = _nonce(r)
    scripts = re.findall(r"<script\b[^>]*>", r.data.decode())
    assert scripts and all(f'nonce="{nonce}"' in s for s in scripts)


def test_the_nonce_changes_with_every_response(ui):
    client = ui("Viewer")
    assert _nonce(client.get("/")) != _nonce(client.get("/"))


def _templates():
    yield from (ROOT / "app" / "templates").rglob("*.html")
    yield from (ROOT / "modules").glob("*/templates/**/*.html")


def test_no_template_has_inline_handlers_or_javascript_links():
    """What a nonce cannot allow: onclick=... attributes and javascript: URLs."""
    handler = re.compile(r"""<[^>]*\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        if handler.search(text) or "javascript:" in text:
            found.append(str(path.relative_to(ROOT)))
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "nonce=" not in tag:
                found.append(f"{path.relative_to(ROOT)}: {tag}")
    assert found == []


# ---------------------------------------------------------------- HSTS and caching


def test_hsts_only_behind_https(database_url, app):
    assert "Strict-Transport-Security" not in app.test_client().get("/login/").headers
    cfg = base_config(database_url)
    cfg["SESSION_COOKIE_SECURE"] = True
    secure = create_app(cfg)
    r = secure.test_client().get("/login/", base_url="https://localhost")
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_what_a_logged_in_user_sees_is_not_stored(ui, api):
    client = ui("Viewer")
    for path in ("/", "/partnerview/list/"):
        assert "no-store" in client.get(path).headers.get("Cache-Control", ""), path
    assert "no-store" in client.get("/api/v1/partner/").headers.get("Cache-Control", "")
    r = api("Viewer").get("/api/v1/partner/")
    assert r.status_code == 200 and "no-store" in r.headers.get("Cache-Control", "")


def test_static_files_and_public_pages_may_be_cached(ui, app):
    client = ui("Viewer")
    for path in ("/static/css/aftersales.css", "/static/appbuilder/js/ab.js"):
        r = client.get(path)
        assert r.status_code == 200
        assert "no-store" not in r.headers.get("Cache-Control", ""), path
        r.close()
    assert "no-store" not in app.test_client().get("/health").headers.get("Cache-Control", "")
