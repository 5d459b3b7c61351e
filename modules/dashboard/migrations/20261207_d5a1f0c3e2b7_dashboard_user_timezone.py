"""dashboard: each user's time zone in his settings (dsh_user_setting.timezone; empty:
the installation's DEFAULT_TIMEZONE)

The dashboard module's own branch; its tables come from the core history's revision
b5373af9dea9.

Revision ID: d5a1f0c3e2b7
Revises:
Create Date: 2026-12-07 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d5a1f0c3e2b7"
down_revision = None
branch_labels = ("dashboard",)
depends_on = "b5373af9dea9"  # the core history's revision that creates dsh_user_setting


def upgrade():
    with op.batch_alter_table("dsh_user_setting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("dsh_user_setting", schema=None) as batch_op:
        batch_op.drop_column("timezone")
