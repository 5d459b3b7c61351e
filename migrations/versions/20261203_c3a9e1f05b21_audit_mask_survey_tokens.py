"""audit: mask the survey tokens earlier entries hold (the log masks secrets when it
writes since Trust I; entries written before kept the customer's one-time key)

Revision ID: c3a9e1f05b21
Revises: 6a370d1ffbe2
Create Date: 2026-12-03 13:15:00

"""
import json

import sqlalchemy as sa
from alembic import op

revision = "c3a9e1f05b21"
down_revision = "6a370d1ffbe2"
branch_labels = None
depends_on = None

MASK = "***"
SECRETS = {"clm_satisfaction": ("token",)}


def _masked(changes, names):
    out, changed = dict(changes), False
    for name in names:
        if name not in out or out[name] is None:
            continue
        value = out[name]
        if isinstance(value, list):  # an update: [old, new]
            new = [None if v is None else MASK for v in value]
        else:
            new = MASK
        if new != value:
            out[name], changed = new, True
    return out, changed


def upgrade():
    log = sa.table(
        "core_audit_log",
        sa.column("id", sa.Integer),
        sa.column("table_name", sa.String),
        sa.column("changes", sa.JSON),
    )
    bind = op.get_bind()
    for table, names in SECRETS.items():
        rows = bind.execute(sa.select(log.c.id, log.c.changes).where(log.c.table_name == table))
        for row_id, changes in rows.all():
            if isinstance(changes, str):
                changes = json.loads(changes)
            masked, changed = _masked(changes or {}, names)
            if changed:
                bind.execute(log.update().where(log.c.id == row_id).values(changes=masked))


def downgrade():
    pass  # a secret once masked is not brought back
