"""Test fixtures shared by every module's tests.

One application and one database per test session: SQLite in a temporary
folder, or PostgreSQL when TEST_DATABASE_URL is set. The schema is built by the
migrations (so every run also tests them), roles by `write_permissions()`, and
one user per built-in role is created. After each test every table but FAB's
security tables is emptied, so tests do not see each other's rows.

Flask 3 reuses a pushed app context for test-client requests (leaking `g` and
the session), so tests never hold an app context while they call the client:
use `run(fn)` to touch the database, and the clients for requests.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import create_engine, exists, literal, select, text, union_all

from app import create_app
from app.db import db
from app.demo import DEMO_USERS
from app.security import BUILTIN_ROLES

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
IS_POSTGRES = bool(TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"))

ROLE_USERS = {role: role.lower().replace(" ", "_") for role in BUILTIN_ROLES}


def password_of(username: str) -> str:
    return f"Pw-{username}-2026"


def reset_postgres(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def base_config(database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-of-at-least-32-bytes!",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "AUTH_RATE_LIMITED": False,
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A private database for this test session.

    On PostgreSQL a fresh database is created next to TEST_DATABASE_URL's (so
    parallel runs never share tables) and dropped at the end; when the user may
    not create databases, TEST_DATABASE_URL's own schema is reset instead.
    """
    if not TEST_DATABASE_URL:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
        return
    import uuid

    name = f"aftersales_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:  # no CREATEDB right: use the given database
        admin.dispose()
        reset_postgres(TEST_DATABASE_URL)
        yield TEST_DATABASE_URL
        return
    yield TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from app.cli import ensure_user, upgrade_schema, write_permissions

    os.environ.setdefault("AFTERSALES_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    application = create_app(base_config(database_url))
    with application.app_context():
        upgrade_schema()
        write_permissions()
        for role, username in ROLE_USERS.items():
            ensure_user(
                username, f"{username}@example.com", username, "Test", password_of(username), role
            )
        db.session.commit()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _business_tables():
    from sqlalchemy import inspect

    existing = set(inspect(db.engine).get_table_names())
    return [
        t for t in db.metadata.sorted_tables if not t.name.startswith("ab_") and t.name in existing
    ]


def _clean_postgres(conn, tables) -> None:
    """TRUNCATE costs about 6 ms a table whether it holds rows or not: empty only
    the tables a test wrote to, then restart every business sequence (what
    RESTART IDENTITY did), security tables (ab_*) left alone."""
    probe = union_all(
        *(select(literal(t.name)).where(exists(select(literal(1)).select_from(t))) for t in tables)
    )
    dirty = [f'"{name}"' for name in conn.execute(probe).scalars()]
    if dirty:
        conn.execute(text(f"TRUNCATE {', '.join(dirty)} CASCADE"))
    conn.execute(
        text(
            "SELECT setval(c.oid, 1, false) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = current_schema() "
            "AND c.relname NOT LIKE 'ab\\_%'"
        )
    )


@pytest.fixture(autouse=True)
def _clean_tables(request):
    yield
    if "app" not in request.fixturenames:
        return
    empty_tables(request.getfixturevalue("app"))


@pytest.fixture
def clean(app) -> Callable[[], None]:
    """clean(): empty every business table now (as after each test)."""
    return lambda: empty_tables(app)


def empty_tables(application) -> None:
    """Every business table emptied, security tables (ab_*) left alone."""
    with application.app_context():
        db.session.rollback()
        db.session.remove()
        tables = _business_tables()
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                _clean_postgres(conn, tables)
            else:
                for t in reversed(tables):
                    conn.execute(t.delete())


@pytest.fixture
def run(app) -> Callable[[Callable], Any]:
    """run(fn): call fn(session) in an app context, commit, return its result."""

    def _run(fn, commit: bool = True):
        with app.app_context():
            from app.audit import acting_as

            with acting_as(None, "test"):
                result = fn(db.session)
                if commit:
                    db.session.commit()
                else:
                    db.session.rollback()
            return result

    return _run


class ApiClient:
    """A test client that logs in through the JWT API and sends the bearer token."""

    def __init__(self, app, username: str | None, password: str | None = None):
        self.client = app.test_client()
        self.headers = {}
        if username:
            r = self.client.post(
                "/api/v1/security/login",
                json={
                    "username": username,
                    "password": password or password_of(username),
                    "provider": "db",
                    "refresh": False,
                },
            )
            assert r.status_code == 200, r.data
            self.headers = {"Authorization": f"Bearer {r.json['access_token']}"}

    def _call(self, method, url, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return getattr(self.client, method)(url, headers=headers, **kwargs)

    def get(self, url, **kw):
        return self._call("get", url, **kw)

    def post(self, url, **kw):
        return self._call("post", url, **kw)

    def put(self, url, **kw):
        return self._call("put", url, **kw)

    def delete(self, url, **kw):
        return self._call("delete", url, **kw)


_token_cache: dict[tuple[int, str], ApiClient] = {}


@pytest.fixture
def api(app) -> Callable[[str], ApiClient]:
    """api("Service Manager") -> an ApiClient logged in with that role's user."""

    def _api(role: str | None = "Admin") -> ApiClient:
        if role is None:
            return ApiClient(app, None)
        return ApiClient(app, ROLE_USERS[role])

    return _api


def ui_login(client, username: str, password: str | None = None):
    return client.post(
        "/login/",
        data={"username": username, "password": password or password_of(username)},
        follow_redirects=False,
    )


@pytest.fixture
def ui(app):
    """ui("HR") -> a test client logged in through the login form."""

    def _ui(role: str = "Admin"):
        client = app.test_client()
        r = ui_login(client, ROLE_USERS[role])
        assert r.status_code == 302 and "/login" not in r.headers["Location"], r.data[:300]
        return client

    return _ui


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + TEST_DATABASE_URL if IS_POSTGRES else 'SQLite'}"


# ------------------------------------------------------------------ a fresh installation


@pytest.fixture(scope="session")
def installed_app(database_url, tmp_path_factory):
    """An installation set up as a user sets it up: on an empty database, ONE
    `flask aftersales init`, then `flask aftersales demo` (nothing else writes the
    roles). Its own database next to the session's; tests must leave it as they
    found it. Demo users log in with `demo_password(username)`."""
    if IS_POSTGRES:
        import uuid

        name = f"aftersales_inst_{uuid.uuid4().hex[:10]}"
        admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    else:
        admin = None
        url = "sqlite:///" + str(tmp_path_factory.mktemp("installed") / "aftersales.db")
    application = create_app(base_config(url))
    runner = application.test_cli_runner()
    for args in (["aftersales", "init"], ["aftersales", "demo", *DEMO_FLAGS]):
        result = runner.invoke(args=args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    with application.app_context():
        sm = application.appbuilder.sm
        for username in DEMO_USERS.values():
            user = sm.find_user(username=username)
            sm.reset_password(user.id, demo_password(username))
        db.session.remove()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# `demo` writes well-known passwords only on SQLite unless told; the fixture resets
# them to these anyway (only the passwords: roles stay as `init` wrote them).
DEMO_FLAGS: list[str] = []


def demo_password(username: str) -> str:
    return f"Demo-{username}-pass-2026"


def installed_api(app, role: str) -> ApiClient:
    """An API client of the demo user of `role` on `installed_app`."""
    username = DEMO_USERS[role]
    return ApiClient(app, username, demo_password(username))


def installed_ui(app, role: str):
    client = app.test_client()
    username = DEMO_USERS[role]
    r = ui_login(client, username, demo_password(username))
    assert r.status_code == 302 and "/login" not in r.headers["Location"], r.data[:300]
    return client
