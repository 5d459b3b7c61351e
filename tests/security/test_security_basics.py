"""CSRF, login throttling, cookie flags, security headers, secret key at start-up."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import ConfigError
from tests.conftest import ROLE_USERS, base_config, password_of, ui_login


@pytest.fixture
def strict_app(database_url, app):
    """The same database, with CSRF and login throttling switched on."""
    cfg = base_config(database_url)
    cfg.update(
        WTF_CSRF_ENABLED=True,
        RATELIMIT_ENABLED=True,
        AUTH_RATE_LIMITED=True,
        AUTH_RATE_LIMIT="3 per 1 minute",
    )
    return create_app(cfg)


def test_form_post_without_csrf_token_is_refused(strict_app):
    client = strict_app.test_client()
    user = ROLE_USERS["Service Manager"]
    r = client.post("/login/", data={"username": user, "password": password_of(user)})
    assert r.status_code == 400  # the login form itself needs the token
    assert b"CSRF" in r.data


def test_login_is_throttled(strict_app):
    client = strict_app.test_client()
    codes = [
        client.post(
            "/api/v1/security/login", json={"username": "x", "password": "y", "provider": "db"}
        ).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [401, 401, 401]
    assert codes[-1] == 429


def test_api_login_without_provider_is_a_400(app):
    r = app.test_client().post("/api/v1/security/login", json={"username": "a", "password": "b"})
    assert r.status_code == 400
    assert "provider" in r.json["message"]


def test_security_headers_and_cookie_flags(ui):
    client = ui("Viewer")
    r = client.get("/")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Request-Id"]
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only
    assert cookie.same_site == "Lax"


def test_production_start_without_secret_key_fails_clearly(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_passwords_are_hashed(app):
    from app.db import db

    with app.app_context():
        user = app.appbuilder.sm.find_user(username=ROLE_USERS["HR"])
        assert user.password != password_of(ROLE_USERS["HR"])
        assert user.password.startswith(("scrypt:", "pbkdf2:"))
        db.session.remove()


def test_sessions_expire(app, monkeypatch):
    """A browser session ends PERMANENT_SESSION_LIFETIME (8 hours) after the login: the
    server checks the signed cookie's age, whatever the browser keeps. The server's
    clock (the signer's timestamp) is moved forward instead of waiting."""
    from itsdangerous import TimestampSigner

    lifetime = int(app.permanent_session_lifetime.total_seconds())
    assert lifetime == 8 * 3600  # the documented default
    real = TimestampSigner.get_timestamp

    def logged_in():
        client = app.test_client()
        ui_login(client, ROLE_USERS["Viewer"])
        assert client.get("/partnerview/list/").status_code == 200
        return client

    def clock(ahead: int) -> None:
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + ahead)

    early, late = logged_in(), logged_in()
    clock(lifetime - 60)
    assert early.get("/partnerview/list/").status_code == 200  # a minute before: still in
    clock(lifetime + 60)
    r = late.get("/partnerview/list/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
