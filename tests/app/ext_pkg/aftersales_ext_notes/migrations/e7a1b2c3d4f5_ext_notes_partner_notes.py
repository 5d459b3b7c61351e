"""ext_notes: partner notes (the plug-in's own branch; needs the partners' table)

Revision ID: e7a1b2c3d4f5
Revises:
Create Date: 2026-12-03 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e7a1b2c3d4f5"
down_revision = None
branch_labels = ("ext_notes",)
depends_on = "a4d5f7a0aac0"  # the core history's revision that creates ptn_partner


def upgrade():
    op.create_table(
        "ext_partner_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["ptn_partner.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("ext_partner_note")
