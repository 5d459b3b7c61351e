"""An external package plugs in through the `aftersales.modules` entry point,
with its models, migrations, menu, API and roles, without any change to the core."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

EXT = Path(__file__).parent / "ext_pkg"
ROOT = Path(__file__).resolve().parents[2]


def test_external_module_is_discovered_ordered_and_served(tmp_path):
    # A separate interpreter: the plug-in's models must not leak into the
    # metadata of the main test session (migrations do not know them).
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(EXT)!r})
        from app import create_app
        from sqlalchemy import inspect

        from app.cli import ensure_user, upgrade_schema, write_permissions
        from app.db import db

        app = create_app({{"TESTING": True, "SECRET_KEY": "x" * 32, "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path}/ext.db"}},
                         modules=["partners", "ext_notes"])
        loaded = app.extensions["aftersales"]
        assert loaded.names == ["partners", "ext_notes"], loaded.names
        with app.app_context():
            upgrade_schema()  # the core's history and the plug-in's own branch
            assert "ext_partner_note" in inspect(db.engine).get_table_names()
            write_permissions()
            ensure_user("mgr", "m@example.com", "M", "G", "pw-mgr-123", "Service Manager")
            ensure_user("view", "v@example.com", "V", "W", "pw-view-123", "Viewer")
        c = app.test_client()
        c.post("/login/", data={{"username": "mgr", "password": "pw-mgr-123"}})
        assert c.get("/partnernoteview/list/").status_code == 200
        assert b"Partner notes" in c.get("/").data
        tok = app.test_client().post("/api/v1/security/login", json={{
            "username": "view", "password": "pw-view-123", "provider": "db"}}).json
        h = {{"Authorization": "Bearer " + tok["access_token"]}}
        v = app.test_client()
        assert v.get("/api/v1/partner_note/", headers=h).status_code == 200
        assert v.post("/api/v1/partner_note/", json={{"text": "x"}}, headers=h).status_code == 403
        print("EXT-OK")
        """
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert "EXT-OK" in done.stdout, done.stderr[-3000:]


def test_registry_reads_the_entry_point(monkeypatch):
    monkeypatch.syspath_prepend(str(EXT))
    from app.registry import discover

    found = discover()
    assert found["ext_notes"].package == "aftersales_ext_notes"
    assert found["ext_notes"].depends == ("partners",)
