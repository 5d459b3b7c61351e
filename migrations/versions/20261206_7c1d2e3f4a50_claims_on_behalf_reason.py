"""claims: a claim on a unit sold to another customer records why this customer claims
on it (on behalf of its owner); claims registered before keep an empty reason

Revision ID: 7c1d2e3f4a50
Revises: 5b7e2c9d4a10
Create Date: 2026-12-06 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "7c1d2e3f4a50"
down_revision = "5b7e2c9d4a10"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("clm_claim") as batch_op:
        batch_op.add_column(sa.Column("on_behalf_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("clm_claim") as batch_op:
        batch_op.drop_column("on_behalf_reason")
