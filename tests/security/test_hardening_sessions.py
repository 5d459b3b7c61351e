"""Sessions and keys: a logout ends the session server-side (a captured cookie no
longer works) and the user's earlier JWTs; the secret key of a debug instance is
its own random one (a cookie or token signed with the old public key is refused);
production refuses a short key."""

from __future__ import annotations

import os
import stat
import time
import uuid

import jwt
import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from app import create_app
from app.auth import SESSION_AUTH_AT, now_ms
from app.config import ConfigError
from tests.conftest import ROLE_USERS, base_config
from tests.security.test_hardening_login import api_login, form_login, logged_in, strict_app

VIEWER = ROLE_USERS["Viewer"]
HR = ROLE_USERS["HR"]
OLD_PUBLIC_KEY = "dev-only-not-secret"  # noqa: S105 - the fixed key debug instances had
PAGE = "/partnerview/list/"


@pytest.fixture(scope="module")
def strict(database_url, app):
    return strict_app(database_url, AUTH_RATE_LIMIT="1000 per 1 minute")


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _replay(app, cookie: str):
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


# ---------------------------------------------------------------- logout


def test_a_session_cookie_captured_before_logout_is_refused_after_it(strict):
    browser = strict.test_client()
    assert logged_in(form_login(browser, VIEWER))
    captured = browser.get_cookie("session").value
    assert _replay(strict, captured).get(PAGE).status_code == 200
    browser.get("/logout/")
    assert _sent_to_login(_replay(strict, captured).get(PAGE))
    assert _replay(strict, captured).get("/api/v1/partner/").status_code == 401
    # logging in again works, and so does the new session
    again = strict.test_client()
    assert logged_in(form_login(again, VIEWER))
    assert again.get(PAGE).status_code == 200


def test_a_logout_ends_the_users_tokens_too(strict):
    tokens = api_login(strict.test_client(), HR).json
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    refresh = {"Authorization": f"Bearer {tokens['refresh_token']}"}
    client = strict.test_client()
    assert client.get("/api/v1/partner/", headers=bearer).status_code == 200
    browser = strict.test_client()
    assert logged_in(form_login(browser, HR))
    browser.get("/logout/")
    assert client.get("/api/v1/partner/", headers=bearer).status_code == 401
    assert client.post("/api/v1/security/refresh", headers=refresh).status_code == 401
    fresh = api_login(strict.test_client(), HR).json["access_token"]
    ok = client.get("/api/v1/partner/", headers={"Authorization": f"Bearer {fresh}"})
    assert ok.status_code == 200


def test_the_api_logout_revokes_the_callers_tokens_and_sessions(strict):
    user = ROLE_USERS["Accountant"]
    browser = strict.test_client()
    assert logged_in(form_login(browser, user))
    tokens = api_login(strict.test_client(), user).json
    client = strict.test_client()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.post("/api/v1/security/logout", headers=bearer).status_code == 200
    assert client.get("/api/v1/partner/", headers=bearer).status_code == 401
    refresh = {"Authorization": f"Bearer {tokens['refresh_token']}"}
    assert client.post("/api/v1/security/refresh", headers=refresh).status_code == 401
    assert _sent_to_login(browser.get(PAGE))
    assert client.post("/api/v1/security/logout").status_code == 401  # no token


def test_a_logout_leaves_other_users_alone(strict):
    other = strict.test_client()
    assert logged_in(form_login(other, ROLE_USERS["Technician"]))
    browser = strict.test_client()
    assert logged_in(form_login(browser, ROLE_USERS["Warehouse Clerk"]))
    browser.get("/logout/")
    assert other.get("/").status_code == 200
    assert other.get(PAGE).status_code in (200, 403)  # his rights, not the login page


# ---------------------------------------------------------------- secret key


@pytest.fixture
def debug_app(database_url, app, tmp_path, monkeypatch):
    """A debug instance (FLASK_DEBUG=1) started without SECRET_KEY."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("AFTERSALES_INSTANCE_PATH", str(tmp_path))
    cfg = base_config(database_url)
    cfg.update(SECRET_KEY=None, TESTING=False, DEBUG=True)
    return create_app(cfg)


def _admin_id(application) -> int:
    with application.app_context():
        return application.appbuilder.sm.find_user(username=ROLE_USERS["Admin"]).id


def _forged_cookie(key: str, user_id: int) -> str:
    signer = Flask("forger")
    signer.secret_key = key
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    return serializer.dumps({"_user_id": str(user_id), "_fresh": True, SESSION_AUTH_AT: now_ms()})


def _forged_jwt(key: str, user_id: int) -> str:
    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "type": "access",
        "fresh": True,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key, algorithm="HS256")


def test_a_debug_instance_gets_its_own_random_key(debug_app, tmp_path):
    key = debug_app.config["SECRET_KEY"]
    assert key != OLD_PUBLIC_KEY and len(key) >= 32
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_the_debug_key_survives_a_restart(debug_app, database_url):
    cfg = base_config(database_url)
    cfg.update(SECRET_KEY=None, TESTING=False, DEBUG=True)
    assert create_app(cfg).config["SECRET_KEY"] == debug_app.config["SECRET_KEY"]


def test_a_cookie_signed_with_the_old_public_key_is_refused(debug_app):
    admin = _admin_id(debug_app)
    forged = _replay(debug_app, _forged_cookie(OLD_PUBLIC_KEY, admin))
    assert _sent_to_login(forged.get(PAGE))
    # the same cookie signed with the instance's key would pass: the key is what refuses
    genuine = _replay(debug_app, _forged_cookie(debug_app.config["SECRET_KEY"], admin))
    assert genuine.get(PAGE).status_code == 200


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_a_token_signed_with_the_old_public_key_is_refused(debug_app):
    admin = _admin_id(debug_app)
    client = debug_app.test_client()
    forged = {"Authorization": f"Bearer {_forged_jwt(OLD_PUBLIC_KEY, admin)}"}
    assert client.get("/api/v1/partner/", headers=forged).status_code in (401, 422)
    genuine = {"Authorization": f"Bearer {_forged_jwt(debug_app.config['SECRET_KEY'], admin)}"}
    assert client.get("/api/v1/partner/", headers=genuine).status_code == 200


def test_production_refuses_a_short_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigError, match="too short.*at least 32"):
        create_app(
            {
                "SECRET_KEY": "short-key-31-characters-long-xx",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )


def test_production_takes_a_long_secret_key():
    from app.config import check, defaults

    cfg = defaults("/nonexistent")
    cfg["SECRET_KEY"] = "k" * 32
    check(cfg)  # no error
    assert cfg["SECRET_KEY"] == "k" * 32


def test_testing_without_a_key_gets_a_random_one_per_process():
    from app.config import check, defaults

    one, two = defaults("/nonexistent"), defaults("/nonexistent")
    for cfg in (one, two):
        cfg["TESTING"] = True
        check(cfg)
    assert one["SECRET_KEY"] != two["SECRET_KEY"]
    assert OLD_PUBLIC_KEY not in (one["SECRET_KEY"], two["SECRET_KEY"])
