"""Intake of requests, tasks with time logs, and per-event KPI rows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import Quantity, UTCDateTime, utcnow
from modules.partners.models import Partner

INTAKE_CHANNELS = Choices(
    ("call", _l("Call")),
    ("email", _l("E-mail")),
    ("letter", _l("Letter")),
    ("visit", _l("Visit")),
)
TASK_STATES = Choices(
    ("open", _l("Open")),
    ("in_progress", _l("In progress")),
    ("done", _l("Done")),
    ("cancelled", _l("Cancelled")),
)
PRIORITIES = Choices(
    ("low", _l("Low")),
    ("normal", _l("Normal")),
    ("high", _l("High")),
    ("urgent", _l("Urgent")),
)
KPI_KINDS = Choices(
    ("task_done", _l("Task done")),
    ("repair_completed", _l("Repair completed")),
    ("claim_closed", _l("Claim closed")),
    ("satisfaction", _l("Customer satisfaction")),
)


class Intake(Model):
    """Something that came in (call, e-mail, letter, visit), routed to an employee."""

    __tablename__ = "stf_intake"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(INTAKE_CHANNELS.length))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    from_name: Mapped[str] = mapped_column(String(200))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    area_kind: Mapped[str | None] = mapped_column(String(32))
    area_key: Mapped[str | None] = mapped_column(String(100))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("stf_task.id"))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)

    partner: Mapped[Partner | None] = relationship()
    assignee: Mapped[User | None] = relationship(User, foreign_keys=[assignee_id])
    responsible: Mapped[User | None] = relationship(User, foreign_keys=[responsible_id])
    task: Mapped[Task | None] = relationship()

    def __str__(self) -> str:
        return f"{self.number or self.id}: {self.subject}"


class Task(Model):
    __tablename__ = "stf_task"
    __lookup_fields__ = ("number", "title")
    __table_args__ = (Index("ix_stf_task_ref", "ref_type", "ref_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    priority: Mapped[str] = mapped_column(String(PRIORITIES.length), default="normal")
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    ref_type: Mapped[str | None] = mapped_column(String(64))
    ref_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignee: Mapped[User | None] = relationship(User, foreign_keys=[assignee_id])
    responsible: Mapped[User | None] = relationship(User, foreign_keys=[responsible_id])
    created_by: Mapped[User | None] = relationship(User, foreign_keys=[created_by_id])
    time_logs: Mapped[list[TimeLog]] = relationship(
        back_populates="task", order_by="TimeLog.on", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.number or self.id} {self.title}"

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    def due(self) -> tuple[date | None, bool]:
        """(due date, overdue?) for lists."""
        return self.due_date, self.is_overdue()

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or date.today()
        return bool(
            self.due_date and self.state in ("open", "in_progress") and self.due_date < today
        )


class TimeLog(Model):
    """Hours someone spent on a task on a day (payroll export)."""

    __tablename__ = "stf_time_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("stf_task.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    on: Mapped[date] = mapped_column(Date, index=True)
    hours: Mapped[Decimal] = mapped_column(Quantity)
    note: Mapped[str | None] = mapped_column(String(200))

    task: Mapped[Task] = relationship(back_populates="time_logs")
    user: Mapped[User | None] = relationship(User)

    def __str__(self) -> str:
        return f"{self.on} {self.hours} h"


class KpiEvent(Model):
    """One event counted in staff KPIs (a task done, a repair or claim closed, a score)."""

    __tablename__ = "stf_kpi_event"
    __audit__ = False
    __table_args__ = (Index("ix_stf_kpi_event_user_kind", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(KPI_KINDS.length))
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    ref_type: Mapped[str | None] = mapped_column(String(64))
    ref_id: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    hours: Mapped[Decimal | None] = mapped_column(Quantity)
    score: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
