"""Passwords: the policy on FAB's user forms and `create-admin`; demo users get the
well-known passwords on SQLite only; backups are readable by their owner only."""

from __future__ import annotations

import os
import stat
import uuid

import pytest
from sqlalchemy import make_url

from app import ops
from app.db import db
from tests.conftest import IS_POSTGRES, ROLE_USERS

SHORT = "Short-1"  # 7 characters
LONG = "correct horse battery staple"


def _user(app, username):
    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        out = None if user is None else (user.id, user.password)
        db.session.remove()
        return out


def _drop_user(app, username):
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.find_user(username=username)
        if user is not None:
            db.session.delete(user)
            db.session.commit()
        db.session.remove()


@pytest.fixture
def new_name(app):
    name = f"pw_{uuid.uuid4().hex[:8]}"
    yield name
    _drop_user(app, name)


def _add_user_form(name, password):
    return {
        "first_name": "New",
        "last_name": "User",
        "username": name,
        "email": f"{name}@example.com",
        "active": "y",
        "password": password,
        "conf_password": password,
    }


def test_the_add_user_form_refuses_a_short_password(app, ui, new_name):
    admin = ui("Admin")
    with app.app_context():
        viewer_role = app.appbuilder.sm.find_role("Viewer").id
        db.session.remove()
    form = {**_add_user_form(new_name, SHORT), "roles": str(viewer_role)}
    r = admin.post("/users/add", data=form)
    assert r.status_code == 200  # the form again, with the reason
    assert "at least 12 characters" in r.data.decode()
    assert _user(app, new_name) is None
    form.update(password=LONG, conf_password=LONG)
    r = admin.post("/users/add", data=form)
    assert r.status_code == 302
    assert _user(app, new_name) is not None


def test_the_policy_refuses_a_long_but_monotonous_password(app):
    from app.auth import password_problem

    with app.test_request_context():
        assert "different characters" in str(password_problem("aaaaaaaaaaaaaaaa"))
        assert password_problem(LONG) is None


def test_reset_password_and_reset_my_password_follow_the_policy(app, ui):
    user = ROLE_USERS["Viewer"]
    uid, before = _user(app, user)
    admin = ui("Admin")
    r = admin.post(
        f"/resetpassword/form?pk={uid}", data={"password": SHORT, "conf_password": SHORT}
    )
    assert "at least 12 characters" in r.data.decode()
    me = ui("Viewer")
    r = me.post("/resetmypassword/form", data={"password": SHORT, "conf_password": SHORT})
    assert "at least 12 characters" in r.data.decode()
    assert _user(app, user)[1] == before  # unchanged


def test_create_admin_refuses_a_weak_password(app, new_name):
    runner = app.test_cli_runner()
    args = ["aftersales", "create-admin", "--username", new_name, "--email", f"{new_name}@x.org"]
    r = runner.invoke(args=[*args, "--password", SHORT])
    assert r.exit_code != 0 and "at least 12 characters" in r.output
    assert _user(app, new_name) is None
    r = runner.invoke(args=[*args, "--password", LONG])
    assert r.exit_code == 0, r.output
    assert _user(app, new_name) is not None


# ---------------------------------------------------------------- demo users


@pytest.fixture
def demo_users_only(app, monkeypatch, new_name):
    """`demo` with one demo user of a fresh name and no module data (fast)."""
    import app.demo as demo

    monkeypatch.setattr(demo, "demo_users", lambda: [(new_name, "Viewer")])
    monkeypatch.setattr(app.extensions["aftersales"], "demo", [])
    return new_name


def _can_log_in(app, username, password) -> bool:
    r = app.test_client().post(
        "/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db"},
    )
    return r.status_code == 200


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite behaviour (the PostgreSQL run tests the other)")
def test_demo_gives_well_known_passwords_on_sqlite(app, demo_users_only):
    r = app.test_cli_runner().invoke(args=["aftersales", "demo"])
    assert r.exit_code == 0, r.output
    assert _can_log_in(app, demo_users_only, demo_users_only)


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL behaviour (run with TEST_DATABASE_URL)")
def test_demo_gives_random_passwords_printed_once_on_postgresql(app, demo_users_only):
    r = app.test_cli_runner().invoke(args=["aftersales", "demo"])
    assert r.exit_code == 0, r.output
    assert not _can_log_in(app, demo_users_only, demo_users_only)
    (line,) = [ln for ln in r.output.splitlines() if ln.strip().startswith(demo_users_only)]
    password = line.split()[1]
    assert len(password) >= 16 and _can_log_in(app, demo_users_only, password)
    again = app.test_cli_runner().invoke(args=["aftersales", "demo"])
    assert password not in again.output  # shown once; the user keeps it


def test_demo_well_known_passwords_on_request(app, demo_users_only):
    r = app.test_cli_runner().invoke(args=["aftersales", "demo", "--well-known-passwords"])
    assert r.exit_code == 0, r.output
    assert _can_log_in(app, demo_users_only, demo_users_only)


# ---------------------------------------------------------------- backups


@pytest.fixture
def open_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_sqlite_backup_is_readable_by_its_owner_only(tmp_path, open_umask):
    import sqlite3

    source = tmp_path / "live.db"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE t (x)")
    target = ops.backup(f"sqlite:///{source}", tmp_path / "out" / "backup.db")
    assert _mode(target) == 0o600
    old = tmp_path / "old.db"  # an earlier backup left world-readable
    old.write_bytes(b"")
    old.chmod(0o644)
    ops.backup(f"sqlite:///{source}", old)
    assert _mode(old) == 0o600


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL backup (run with TEST_DATABASE_URL)")
def test_pg_dump_backup_is_readable_by_its_owner_only(app, tmp_path, open_umask):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    target = ops.backup(url.render_as_string(hide_password=False), tmp_path / "b.dump")
    assert target.stat().st_size > 0
    assert _mode(target) == 0o600
