"""core: attachments

Revision ID: b7c1d2e3f4a5
Revises: e62cb939ee28
Create Date: 2026-11-27 09:10:00

"""

import sqlalchemy as sa
from alembic import op

import app.coltypes

revision = "b7c1d2e3f4a5"
down_revision = "e62cb939ee28"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "core_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_table", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("uploaded_by", sa.String(length=256), nullable=True),
        sa.Column("uploaded_at", app.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_core_attachment_owner", "core_attachment", ["owner_table", "owner_id"], unique=False
    )


def downgrade():
    op.drop_index("ix_core_attachment_owner", table_name="core_attachment")
    op.drop_table("core_attachment")
