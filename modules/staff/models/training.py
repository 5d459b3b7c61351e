"""Training programs, sessions and each participant's result and certificate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import Quantity
from modules.staff.models.people import Employee, Position

RESULTS = Choices(
    ("enrolled", _l("Enrolled")),
    ("passed", _l("Passed")),
    ("failed", _l("Failed")),
    ("absent", _l("Absent")),
)

program_positions = Table(
    "stf_program_position",
    Model.metadata,
    Column("program_id", ForeignKey("stf_training_program.id"), primary_key=True),
    Column("position_id", ForeignKey("stf_position.id"), primary_key=True),
)


class TrainingProgram(Model):
    __tablename__ = "stf_training_program"
    __lookup_fields__ = ("topic", "code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    topic: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    hours: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    validity_months: Mapped[int | None] = mapped_column(Integer)
    certificate: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    mandatory_for: Mapped[list[Position]] = relationship(secondary=program_positions)

    def __str__(self) -> str:
        return self.topic


class TrainingSession(Model):
    __tablename__ = "stf_training_session"
    __lookup_fields__ = ("title",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("stf_training_program.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    date_from: Mapped[date] = mapped_column(Date, index=True)
    date_to: Mapped[date | None] = mapped_column(Date)
    trainer: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))

    program: Mapped[TrainingProgram] = relationship()
    records: Mapped[list[TrainingRecord]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.title or self.program} {self.date_from}"


class TrainingRecord(Model):
    """A participant of a session: the result, the certificate and its expiry."""

    __tablename__ = "stf_training_record"
    __table_args__ = (UniqueConstraint("session_id", "employee_id", name="uq_stf_training_record"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("stf_training_session.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("stf_employee.id"), index=True)
    result: Mapped[str] = mapped_column(String(RESULTS.length), default="enrolled")
    score: Mapped[int | None] = mapped_column(Integer)
    completed_on: Mapped[date | None] = mapped_column(Date)
    certificate_no: Mapped[str | None] = mapped_column(String(64))
    expires_on: Mapped[date | None] = mapped_column(Date)

    session: Mapped[TrainingSession] = relationship(back_populates="records")
    employee: Mapped[Employee] = relationship()

    def __str__(self) -> str:
        return f"{self.employee}: {self.session}"
