"""inventory: a customer return records its refund (refund_amount, zero or more)

Returns registered before carry 0.00: what was paid back for them, if anything, was
not recorded, and the revenue already reported for them stays as it was.

Revision ID: 8042b4193d33
Revises: c3a9e1f05b21
Create Date: 2026-12-04 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "8042b4193d33"
down_revision = "c3a9e1f05b21"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("inv_parts_return", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "refund_amount",
                sa.Numeric(precision=14, scale=2),
                server_default="0",
                nullable=False,
            )
        )
        batch_op.create_check_constraint("ck_inv_parts_return_refund", "refund_amount >= 0")


def downgrade():
    with op.batch_alter_table("inv_parts_return", schema=None) as batch_op:
        batch_op.drop_constraint("ck_inv_parts_return_refund", type_="check")
        batch_op.drop_column("refund_amount")
