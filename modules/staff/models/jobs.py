"""Versioned job descriptions per position and their acknowledgements."""

from __future__ import annotations

from datetime import datetime

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import UTCDateTime, utcnow
from modules.staff.models.people import Employee, Position

JD_STATES = Choices(
    ("draft", _l("Draft")), ("published", _l("Published")), ("superseded", _l("Superseded"))
)


class JobDescription(Model):
    __tablename__ = "stf_job_description"
    __table_args__ = (UniqueConstraint("position_id", "version", name="uq_stf_jd_pos_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("stf_position.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    title: Mapped[str] = mapped_column(String(200))
    reports_to: Mapped[str | None] = mapped_column(String(200))
    appointed_by: Mapped[str | None] = mapped_column(String(200))
    qualification: Mapped[str | None] = mapped_column(Text)
    experience: Mapped[str | None] = mapped_column(Text)
    must_know: Mapped[str | None] = mapped_column(Text)
    duties: Mapped[str | None] = mapped_column(Text)
    rights: Mapped[str | None] = mapped_column(Text)
    responsibilities: Mapped[str | None] = mapped_column(Text)
    working_conditions: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    position: Mapped[Position] = relationship()
    acknowledgements: Mapped[list[Acknowledgement]] = relationship(
        back_populates="job_description", order_by="Acknowledgement.id"
    )

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Acknowledgement(Model):
    """“Read and understood”: an employee signed one version of a job description."""

    __tablename__ = "stf_acknowledgement"
    __table_args__ = (
        UniqueConstraint("job_description_id", "employee_id", name="uq_stf_ack_jd_employee"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_description_id: Mapped[int] = mapped_column(
        ForeignKey("stf_job_description.id"), index=True
    )
    employee_id: Mapped[int] = mapped_column(ForeignKey("stf_employee.id"), index=True)
    signed_name: Mapped[str] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    job_description: Mapped[JobDescription] = relationship(back_populates="acknowledgements")
    employee: Mapped[Employee] = relationship()

    def __str__(self) -> str:
        return f"{self.signed_name}: {self.job_description}"
