"""The migrations create exactly the models' schema, and survive a round trip with data."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.db import db
from tests.conftest import TEST_DATABASE_URL, base_config


def test_models_and_migrations_agree(app):
    with app.app_context():
        from app.registry import discover

        for manifest in discover().values():
            if manifest.package.startswith("modules."):
                manifest.resolve("models")
        builtin = {
            t.name
            for t in db.metadata.sorted_tables
            if not t.name.startswith("ext_")  # test plug-ins live outside migrations
        }

        def include(obj, name, type_, reflected, compare_to):
            return type_ != "table" or name in builtin

        with db.engine.connect() as conn:
            mc = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include}
            )
            diff = compare_metadata(mc, db.metadata)
    assert diff == [], "models differ from migrations: run `flask db migrate`:\n" + "\n".join(
        map(str, diff)
    )


@pytest.fixture
def scratch_url(tmp_path):
    if TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"):
        name = f"mig_{uuid.uuid4().hex[:8]}"
        admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path}/roundtrip.db"


def test_upgrade_downgrade_upgrade_keeps_data(scratch_url):
    from flask_migrate import downgrade

    from app.cli import MIGRATIONS, upgrade_schema, write_permissions

    os.environ.setdefault("AFTERSALES_INSTANCE_PATH", "/tmp/aftersales-test-instance")
    app = create_app(base_config(scratch_url))
    with app.app_context():
        upgrade_schema()
        write_permissions()
        db.session.execute(
            text(
                "INSERT INTO ptn_partner (name, is_customer, is_dealer, is_supplier, active, "
                "created_at) VALUES ('Keep me', true, false, false, true, CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
        from app import ops

        revisions = list(ops.scripts().walk_revisions("base", "heads"))
        db.session.remove()  # release every lock before alembic alters tables
        if len(revisions) > 1:
            # step back over every later migration, then forward again
            downgrade(directory=MIGRATIONS, revision=revisions[-1].revision)
            upgrade_schema()
        names = {r[0] for r in db.session.execute(text("SELECT name FROM ptn_partner"))}
        assert names == {"Keep me"}
        db.session.remove()
        # down to nothing and up again: the schema is whole again
        downgrade(directory=MIGRATIONS, revision="base")
        assert "ptn_partner" not in inspect(db.engine).get_table_names()
        upgrade_schema()
        assert "ab_user" in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()


def test_upgrading_masks_survey_tokens_in_earlier_audit_entries(scratch_url):
    """Entries written before the log masked secrets held the customer's survey key."""
    from app.cli import upgrade_schema

    os.environ.setdefault("AFTERSALES_INSTANCE_PATH", "/tmp/aftersales-test-instance")
    app = create_app(base_config(scratch_url))
    with app.app_context():
        upgrade_schema("6a370d1ffbe2")
        for changes in ('{"id": 1, "token": "s3cr3t-key", "score": null}',
                        '{"token": [null, "s3cr3t-two"]}',
                        '{"name": "not a secret"}'):  # fmt: skip
            db.session.execute(
                text(
                    "INSERT INTO core_audit_log (at, username, table_name, row_id, action, "
                    "changes) VALUES (CURRENT_TIMESTAMP, 'x', :t, '1', 'insert', :c)"
                ),
                {"t": "clm_satisfaction" if "token" in changes else "ptn_partner", "c": changes},
            )
        db.session.commit()
        db.session.remove()
        upgrade_schema()
        texts = [str(r[0]) for r in db.session.execute(text("SELECT changes FROM core_audit_log"))]
        assert not [t for t in texts if "s3cr3t" in t]
        assert any("not a secret" in t for t in texts)
        db.session.remove()
        db.engine.dispose()
