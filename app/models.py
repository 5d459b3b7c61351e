"""Core tables: audit log, document sequences, state history, calendar days, legal periods,
attachments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow


class AuditLog(Model):
    __tablename__ = "core_audit_log"
    __audit__ = False
    __table_args__ = (Index("ix_core_audit_log_row", "table_name", "row_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str | None] = mapped_column(String(256))
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(8))  # insert / update / delete
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"{self.action} {self.table_name}#{self.row_id}"


class DocumentSequence(Model):
    """The last number handed out per document type and year."""

    __tablename__ = "core_document_sequence"
    __audit__ = False
    __table_args__ = (UniqueConstraint("doc_type", "year", name="uq_core_docseq_type_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class StateTransition(Model):
    """One step of a document's life: who moved it from which state to which."""

    __tablename__ = "core_state_transition"
    __audit__ = False
    __table_args__ = (Index("ix_core_state_transition_doc", "doc_type", "doc_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(64))
    doc_id: Mapped[int] = mapped_column(Integer)
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str | None] = mapped_column(String(256))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarDay(Model):
    """A day the installation declares working or non-working, over the country's rule."""

    __tablename__ = "core_calendar_day"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    working: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"{self.day.isoformat()} ({_l('working') if self.working else _l('non-working')})"


class LegalPeriod(Model):
    """A statutory period of a jurisdiction, editable per installation.

    Rows here override the built-in presets of `app.deadlines.PRESETS` for the
    same (jurisdiction, code); a code without a row uses the preset.
    """

    __tablename__ = "core_legal_period"
    __table_args__ = (UniqueConstraint("jurisdiction", "code", name="uq_core_legal_period_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(40))
    length: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(8), default="days")  # days / months / years
    basis: Mapped[str | None] = mapped_column(String(200))
    penalty_pct_per_day: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))

    def __repr__(self) -> str:
        return f"{self.jurisdiction} {self.code}: {self.length} {self.unit}"


class Attachment(Model):
    """A file attached to a record of any module (photos at intake, a signed
    contract, an expert's conclusion). The owner is (table, row id); reading and
    writing follow the rights on the owner's screen."""

    __tablename__ = "core_attachment"
    __table_args__ = (Index("ix_core_attachment_owner", "owner_table", "owner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_table: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(200))
    uploaded_by: Mapped[str | None] = mapped_column(String(256))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    def __repr__(self) -> str:
        return self.filename
