"""Login hardening: per-account lockout (form and JWT login, the right password
included), throttling and lockout shared by every process through Redis, client
addresses through trusted proxies only, and `serve` refusing per-process limits."""

from __future__ import annotations

import os
import re
import uuid

import pytest

from app import create_app
from tests.conftest import ROLE_USERS, base_config, password_of

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LOGIN = "/api/v1/security/login"


def strict_app(database_url: str, **overrides):
    """The test database with CSRF, login throttling and lockout switched on."""
    cfg = base_config(database_url)
    cfg.update(
        WTF_CSRF_ENABLED=True,
        RATELIMIT_ENABLED=True,
        AUTH_RATE_LIMITED=True,
        AUTH_RATE_LIMIT="1000 per 1 minute",
        LOGIN_LOCKOUT_FAILURES=3,
        LOGIN_LOCKOUT_MINUTES=15,
    )
    cfg.update(overrides)
    return create_app(cfg)


def csrf_token(client, path: str = "/login/") -> str:
    page = client.get(path).data.decode()
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', page
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def form_login(client, username: str, password: str | None = None):
    """Log in through the form as a browser does (with the form's CSRF token)."""
    return client.post(
        "/login/",
        data={
            "username": username,
            "password": password or password_of(username),
            "csrf_token": csrf_token(client),
        },
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def api_login(client, username: str, password: str | None = None, **env):
    return client.post(
        LOGIN,
        json={
            "username": username,
            "password": password or password_of(username),
            "provider": "db",
            "refresh": True,
        },
        **env,
    )


VIEWER = ROLE_USERS["Viewer"]
HR = ROLE_USERS["HR"]


@pytest.fixture(scope="module")
def _strict_module(database_url, app):
    return strict_app(database_url)


@pytest.fixture
def strict(_strict_module):
    """The module's strict app with empty counters (no test sees another's failures)."""
    sm = _strict_module.appbuilder.sm
    sm.security_store.storage.reset()
    sm.limiter.reset()
    return _strict_module


# ---------------------------------------------------------------- lockout


def test_failed_logins_lock_the_account_even_for_the_right_password(strict):
    client = strict.test_client()
    codes = [api_login(client, VIEWER, "wrong").status_code for _ in range(3)]
    assert codes == [401, 401, 429]  # the third failure locks
    r = api_login(client, VIEWER)  # the right password
    assert r.status_code == 429
    assert "locked" in r.json["message"] and int(r.headers["Retry-After"]) > 0
    assert "access_token" not in r.json
    # the login form refuses it too, and says why
    browser = strict.test_client()
    r = form_login(browser, VIEWER)
    assert not logged_in(r)
    page = browser.get("/login/").data.decode()
    assert "locked" in page
    # other accounts are not concerned
    assert api_login(client, HR).status_code == 200


def test_form_failures_lock_the_api_login_and_the_email_counts_as_the_user(strict):
    browser = strict.test_client()
    assert not logged_in(form_login(browser, VIEWER, "wrong"))
    assert not logged_in(form_login(browser, f"{VIEWER}@example.com", "wrong"))
    assert not logged_in(form_login(browser, VIEWER.upper(), "wrong"))
    assert api_login(strict.test_client(), VIEWER).status_code == 429


def test_unknown_names_are_locked_alike(strict):
    """The answer does not tell whether an account exists."""
    client = strict.test_client()
    codes = [api_login(client, "nobody-here", "x").status_code for _ in range(4)]
    assert codes == [401, 401, 429, 429]


def test_a_successful_login_clears_the_failures(strict):
    client = strict.test_client()
    for _ in range(2):
        assert api_login(client, VIEWER, "wrong").status_code == 401
    assert api_login(client, VIEWER).status_code == 200
    for _ in range(2):
        assert api_login(client, VIEWER, "wrong").status_code == 401
    assert api_login(client, VIEWER).status_code == 200


def test_the_lock_ends_when_the_window_has_passed(strict, monkeypatch):
    import time as real_time

    import limits.storage.memory as memory

    client = strict.test_client()
    for _ in range(3):
        api_login(client, VIEWER, "wrong")
    assert api_login(client, VIEWER).status_code == 429

    class Later:  # the memory store's clock, 15 minutes on
        @staticmethod
        def time():
            return real_time.time() + 15 * 60 + 1

    monkeypatch.setattr(memory, "time", Later)
    assert api_login(client, VIEWER).status_code == 200


def test_lockout_can_be_turned_off(database_url, app):
    strict = strict_app(database_url, LOGIN_LOCKOUT_FAILURES=0)
    client = strict.test_client()
    for _ in range(5):
        assert api_login(client, VIEWER, "wrong").status_code == 401
    assert api_login(client, VIEWER).status_code == 200


# ---------------------------------------------------------------- client address


def test_forwarded_for_is_ignored_without_a_trusted_proxy(database_url, app):
    """PROXY_FIX_X_FOR=0 (default): a client rotating X-Forwarded-For is still throttled."""
    strict = strict_app(database_url, AUTH_RATE_LIMIT="2 per 1 minute", LOGIN_LOCKOUT_FAILURES=0)
    client = strict.test_client()
    codes = [
        api_login(client, "x", "y", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
        for i in range(3)
    ]
    assert codes == [401, 401, 429]


def test_the_address_comes_from_the_trusted_proxy(database_url, app):
    """PROXY_FIX_X_FOR=1: clients behind the proxy are throttled one by one."""
    strict = strict_app(
        database_url, AUTH_RATE_LIMIT="2 per 1 minute", PROXY_FIX_X_FOR=1, LOGIN_LOCKOUT_FAILURES=0
    )
    client = strict.test_client()

    def attempt(ip):
        return api_login(client, "x", "y", headers={"X-Forwarded-For": ip}).status_code

    assert [attempt("10.0.0.1") for _ in range(3)] == [401, 401, 429]
    assert attempt("10.0.0.2") == 401  # another client keeps its own budget


def test_proxy_settings_come_from_the_environment():
    from app.config import from_environment

    cfg = from_environment(
        {"PROXY_FIX_X_FOR": "2", "LOGIN_LOCKOUT_FAILURES": "7", "CSV_MAX_IMPORT_ROWS": "500"}
    )
    assert cfg["PROXY_FIX_X_FOR"] == 2
    assert cfg["LOGIN_LOCKOUT_FAILURES"] == 7
    assert cfg["CSV_MAX_IMPORT_ROWS"] == 500


# ---------------------------------------------------------------- Redis: several processes


def _redis_or_skip() -> None:
    """Redis at REDIS_URL, or skip with a message; in CI (CI=true) a missing Redis fails."""
    try:
        from limits.storage import storage_from_string

        reachable = storage_from_string(REDIS_URL).check()
    except Exception as exc:  # the redis package or the server is missing
        reachable, why = False, f"{type(exc).__name__}: {exc}"
    else:
        why = "no answer"
    if reachable:
        return
    message = f"Redis not reachable at {REDIS_URL} ({why}): shared-limit tests need it"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI must run them: start redis-server)")
    pytest.skip(message)


@pytest.fixture
def two_workers(database_url, app):
    """Two app instances (two gunicorn workers) sharing one Redis store."""
    _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex[:12]}-"
    settings = dict(
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=prefix,
        AUTH_RATE_LIMIT="4 per 1 minute",
    )
    workers = strict_app(database_url, **settings), strict_app(database_url, **settings)
    yield workers
    import redis

    conn = redis.Redis.from_url(REDIS_URL)
    for key in conn.scan_iter(f"*{prefix}*"):
        conn.delete(key)


def test_throttling_is_shared_by_the_workers(two_workers):
    a, b = (w.test_client() for w in two_workers)
    codes = [api_login(c, f"x{i}", "y").status_code for i, c in enumerate((a, b, a, b, a))]
    assert codes == [401, 401, 401, 401, 429]


def test_a_lockout_on_one_worker_holds_on_the_other(two_workers):
    a, b = (w.test_client() for w in two_workers)
    assert [api_login(a, VIEWER, "wrong").status_code for _ in range(3)] == [401, 401, 429]
    assert api_login(b, VIEWER).status_code == 429


def test_a_logout_on_one_worker_ends_the_session_on_the_other(two_workers):
    one, other = two_workers
    browser = one.test_client()
    assert logged_in(form_login(browser, VIEWER))
    cookie = browser.get_cookie("session").value
    replay = other.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/partnerview/list/").status_code == 200
    browser.get("/logout/")
    r = replay.get("/partnerview/list/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_memory_store_is_per_worker(database_url, app):
    """What the shared store fixes: two memory:// workers count apart."""
    one = strict_app(database_url, AUTH_RATE_LIMIT="4 per 1 minute")
    two = strict_app(database_url, AUTH_RATE_LIMIT="4 per 1 minute")
    a, b = one.test_client(), two.test_client()
    codes = [api_login(c, f"x{i}", "y").status_code for i, c in enumerate((a, b, a, b, a))]
    assert codes == [401, 401, 401, 401, 401]


# ---------------------------------------------------------------- serve


def test_serve_refuses_several_workers_with_per_process_limits(app, monkeypatch):
    started = []
    monkeypatch.setattr(os, "execv", lambda *a: started.append(a))
    runner = app.test_cli_runner()
    r = runner.invoke(args=["aftersales", "serve", "--workers", "3"])
    assert r.exit_code != 0
    assert "RATELIMIT_STORAGE_URI" in r.output and "redis://" in r.output
    assert started == []
    r = runner.invoke(args=["aftersales", "serve", "--workers", "3", "--allow-per-process-limits"])
    assert r.exit_code == 0, r.output
    assert "WARNING" in r.output and "per worker" in r.output
    assert len(started) == 1
    r = runner.invoke(args=["aftersales", "serve", "--workers", "1"])
    assert r.exit_code == 0 and len(started) == 2


def test_serve_takes_several_workers_with_a_shared_store(app, monkeypatch):
    started = []
    monkeypatch.setattr(os, "execv", lambda *a: started.append(a))
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", REDIS_URL)
    r = app.test_cli_runner().invoke(args=["aftersales", "serve", "--workers", "4"])
    assert r.exit_code == 0, r.output
    assert "WARNING" not in r.output and len(started) == 1
