"""Health check, and backup/restore round trips that compare every table."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import inspect, select, text

from app import ops
from app.db import db
from modules.partners.models import Partner
from tests.conftest import IS_POSTGRES


def test_health_is_ok_at_the_newest_migration(app):
    r = app.test_client().get("/health")
    assert r.status_code == 200
    heads = ops.migration_heads()  # the core's branch and any module's own
    assert r.json["status"] == "ok"
    assert r.json["migration"] == (heads[0] if len(heads) == 1 else heads)


def test_health_fails_when_the_schema_is_behind(app):
    with app.app_context():
        ok, body = ops.health(db.engine, ["some-newer-revision"])
    assert not ok and body["status"] == "fail" and body["database"] == "ok"


def _snapshot(app) -> dict[str, list[tuple]]:
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        out = {}
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                if table.name in tables:
                    order = list(table.primary_key.columns) or list(table.columns)
                    out[table.name] = [
                        tuple(r) for r in conn.execute(select(table).order_by(*order))
                    ]
        db.session.remove()
        db.engine.dispose()
    return out


@pytest.mark.skipif(
    IS_POSTGRES and not shutil.which("pg_dump"),
    reason="pg_dump missing: PostgreSQL backup test skipped (apt-get install postgresql-client)",
)
def test_backup_and_restore_round_trip(app, run, tmp_path):
    def seed(s):
        s.add_all([Partner(name=f"Kept {i}", is_customer=True, city="Kazan") for i in range(20)])

    run(seed)
    before = _snapshot(app)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    target = ops.backup(url, tmp_path / "backup.dump")
    assert target.stat().st_size > 0

    def damage(s):
        s.execute(text("DELETE FROM ptn_partner WHERE name LIKE 'Kept 1%'"))
        s.add(Partner(name="Added after the backup", is_dealer=True))

    run(damage)
    assert _snapshot(app) != before
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    ops.restore(url, target)
    after = _snapshot(app)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], f"table {name} differs after restore"


def test_restore_of_a_missing_file_is_refused(app, tmp_path):
    with pytest.raises(ops.OpsError, match="does not exist"):
        ops.restore(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "nope.dump")


def _gunicorn() -> str | None:
    import os
    import sys

    beside = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return beside if os.path.exists(beside) else shutil.which("gunicorn")


@pytest.mark.skipif(not _gunicorn(), reason="gunicorn is not installed")
def test_serve_runs_several_workers_that_answer_health(app, tmp_path):
    """`flask aftersales serve` starts gunicorn workers on the same database."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "FLASK_APP": "app:create_app",
        "SECRET_KEY": "x" * 32,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "AFTERSALES_INSTANCE_PATH": str(tmp_path),
    }
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")  # a file, not a pipe: a full pipe would block the server
    proc = subprocess.Popen(  # noqa: S603
        [
            flask,
            "aftersales",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--allow-per-process-limits",  # no Redis needed to see two workers answer
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        # The app is built twice (flask's CLI, then gunicorn's preload): allow a busy machine
        # several minutes to start (a readiness wait, not a timing assertion).
        for _ in range(600):
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:  # noqa: S310
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert body is not None and '"status":"ok"' in body.replace(" ", "")
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()
        out = log_path.read_text(errors="replace")
    assert out.count("Booting worker") == 2, out[-2000:]


def test_json_log_lines_carry_the_request_id():
    import logging

    from flask import Flask, g

    from app.logs import JsonFormatter, RequestContextFilter

    flask_app = Flask("t")
    record = logging.LogRecord("aftersales", logging.ERROR, __file__, 1, "boom %s", ("x",), None)
    with flask_app.test_request_context("/partnerview/list/"):
        g.request_id = "abc123"
        RequestContextFilter().filter(record)
    line = JsonFormatter().format(record)
    import json

    data = json.loads(line)
    assert data["request_id"] == "abc123" and data["path"] == "/partnerview/list/"
    assert data["message"] == "boom x" and data["level"] == "ERROR"
