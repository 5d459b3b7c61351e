"""warranty: a repair records the amount the customer approved (approved_amount); a paid
repair charges no more than that (with the installation's QUOTE_TOLERANCE_PCT)

Open paid repairs the customer already approved (approved, waiting for parts, in
repair, ready) take their quote as the approved amount. A repair whose total is above
it goes back to the customer with a new quote before it is marked ready or returned.

Revision ID: 5b7e2c9d4a10
Revises: 8042b4193d33
Create Date: 2026-12-05 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5b7e2c9d4a10"
down_revision = "8042b4193d33"
branch_labels = None
depends_on = None

APPROVED_STATES = ("approved", "waiting_parts", "in_repair", "ready")


def upgrade():
    with op.batch_alter_table("wty_repair_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_amount", sa.Numeric(precision=14, scale=2)))
    repairs = sa.table(
        "wty_repair_order",
        sa.column("approved_amount", sa.Numeric(14, 2)),
        sa.column("quote_amount", sa.Numeric(14, 2)),
        sa.column("billing_type", sa.String),
        sa.column("state", sa.String),
        sa.column("customer_decision_on", sa.Date),
    )
    op.execute(
        repairs.update()
        .where(
            repairs.c.billing_type == "paid",
            repairs.c.state.in_(APPROVED_STATES),
            repairs.c.customer_decision_on.isnot(None),
        )
        .values(approved_amount=repairs.c.quote_amount)
    )


def downgrade():
    with op.batch_alter_table("wty_repair_order", schema=None) as batch_op:
        batch_op.drop_column("approved_amount")
