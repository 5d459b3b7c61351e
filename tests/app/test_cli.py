"""The newcomer's path: `flask aftersales ...` without exporting SECRET_KEY, `demo --size`
growing an existing demo, and `restore` of a file that is not a backup."""

from __future__ import annotations

import logging
import os
import secrets
import stat
import subprocess  # noqa: S404 - the project's own flask command
import sys
import tempfile

import pytest
from click.testing import CliRunner
from flask.cli import FlaskGroup
from sqlalchemy import func, select

from app import create_app
from app.config import ConfigError, check, defaults
from tests.conftest import IS_POSTGRES

KEY = secrets.token_hex(32)

# The instance's key is read when SECRET_KEY is unset: tests must never see the project's
# own instance/ (scripts/start writes instance/secret_key there), also those that build an
# app before the `app` fixture sets AFTERSALES_INSTANCE_PATH. Set at collection, before
# any test runs in this process; its right home is tests/conftest.py (module level).
os.environ.setdefault(
    "AFTERSALES_INSTANCE_PATH", tempfile.mkdtemp(prefix="aftersales-test-instance-")
)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance folder of its own (SQLite file and key inside), no SECRET_KEY exported."""
    for name in ("SECRET_KEY", "DATABASE_URL", "FLASK_DEBUG", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AFTERSALES_INSTANCE_PATH", str(tmp_path))
    return tmp_path


def _flask(*args: str):
    """`flask ...` in this process, the way the `flask` executable loads the app."""
    return CliRunner().invoke(FlaskGroup(create_app=create_app), list(args), catch_exceptions=False)


def test_help_runs_without_secret_key_from_the_instance_key(instance):
    (instance / "secret_key").write_text(KEY + "\n")
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    done = subprocess.run(  # noqa: S603
        [flask, "aftersales", "--help"], capture_output=True, text=True, env=dict(os.environ)
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "init" in done.stdout and "demo" in done.stdout
    assert "Traceback" not in done.stderr
    assert "No user yet created" not in done.stderr


def test_init_writes_the_instance_key_then_commands_read_it(instance, caplog):
    caplog.set_level(logging.WARNING)
    first = _flask("aftersales", "init")
    assert first.exit_code == 0, first.output
    key_file = instance / "secret_key"
    assert f"Secret key written to {key_file}" in first.output
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 32
    misleading = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING
        and ("No user yet created" in r.msg or "Refused to delete permission view" in r.msg)
    ]
    assert misleading == []

    again = _flask("aftersales", "init")  # the key is kept, and said nothing about
    assert again.exit_code == 0, again.output
    assert "Secret key written" not in again.output
    assert key_file.read_text().strip() == key

    rights = _flask("aftersales", "rights")
    assert rights.exit_code == 0, rights.output
    assert "Admin" in rights.output
    # the web server (no command line) takes the instance's key too
    assert create_app().config["SECRET_KEY"] == key


def test_init_keeps_an_existing_key(instance):
    (instance / "secret_key").write_text(KEY + "\n")
    done = _flask("aftersales", "init")
    assert done.exit_code == 0, done.output
    assert "Secret key written" not in done.output
    assert (instance / "secret_key").read_text().strip() == KEY


def test_a_web_server_without_any_key_refuses_to_start(tmp_path):
    cfg = defaults(str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY is not set.*flask aftersales init"):
        check(cfg)  # no command line: a web server
    (tmp_path / "secret_key").write_text("short\n")
    with pytest.raises(ConfigError, match="at least 32"):
        check(defaults(str(tmp_path)))
    (tmp_path / "secret_key").write_text(KEY + "\n")
    cfg = defaults(str(tmp_path))
    check(cfg)
    assert cfg["SECRET_KEY"] == KEY


def test_restore_of_a_file_that_is_not_a_backup_says_so_in_one_line(app, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("these are not the rows you are looking for\n")
    result = app.test_cli_runner().invoke(args=["aftersales", "restore", "--yes", str(text)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "is not a backup" in lines[0] and "Traceback" not in result.output


def test_restore_refuses_a_sqlite_file_of_another_program(app, tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    result = app.test_cli_runner().invoke(args=["aftersales", "restore", "--yes", str(other)])
    assert result.exit_code == 1
    # on SQLite: a database, but not ours; on PostgreSQL: not a pg_dump archive at all
    expected = (
        "not a pg_dump custom-format archive" if IS_POSTGRES else "not a backup of Aftersales"
    )
    assert expected in result.output and len(result.output.strip().splitlines()) == 1


# ------------------------------------------------------------------ demo sizes

# (module, model) whose rows each demo size sets; medium made small for the test
GROWN = {
    "partners": ("modules.partners.models", "Partner", 60),
    "inventory": ("modules.inventory.models", "Part", 40),
    "warranty": ("modules.warranty.models", "Unit", 60),
    "claims": ("modules.claims.models", "Claim", 20),
    "contracts": ("modules.contracts.models", "ServiceContract", 3),
    "staff": ("modules.staff.models", "Employee", 4),
}


def _counts(app) -> dict[str, int]:
    import importlib

    from app.db import db

    out = {}
    with app.app_context():
        for module, (path, model, _n) in GROWN.items():
            cls = getattr(importlib.import_module(path), model)
            out[module] = db.session.scalar(select(func.count()).select_from(cls))
        db.session.remove()
    return out


def test_demo_medium_after_small_grows_every_module(app, monkeypatch):
    import importlib

    for module, (_path, _model, medium) in GROWN.items():
        demo = importlib.import_module(f"modules.{module}.demo")
        monkeypatch.setitem(demo.SIZES, "medium", medium)
    runner = app.test_cli_runner()
    small = runner.invoke(args=["aftersales", "demo", "--size", "small", "--no-users"])
    assert small.exit_code == 0, small.output
    assert "Demo data loaded." in small.output
    before = _counts(app)

    medium = runner.invoke(args=["aftersales", "demo", "--size", "medium", "--no-users"])
    assert medium.exit_code == 0, medium.output
    after = _counts(app)
    grew = {m for m in GROWN if after[m] > before[m]}
    assert grew == set(GROWN), (before, after, medium.output)
    assert after["partners"] == 60 and after["inventory"] == 40 and after["warranty"] == 60
    assert "Demo data grown to medium." in medium.output
    assert "partners (medium)\n  grown by" in medium.output
    assert "inv_part +" in medium.output

    again = runner.invoke(args=["aftersales", "demo", "--size", "medium", "--no-users"])
    assert again.exit_code == 0, again.output
    assert _counts(app) == after  # idempotent
    assert "nothing to add" in again.output
