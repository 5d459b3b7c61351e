"""Positions, employees, their areas of responsibility and absences."""

from __future__ import annotations

from datetime import date, datetime

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import UTCDateTime, utcnow
from app.widgets import Hidden

ABSENCE_KINDS = Choices(
    ("business_trip", _l("Business trip")),
    ("vacation", _l("Vacation")),
    ("sickness", _l("Sickness")),
    ("other", _l("Other")),
)

# Suggested kinds of areas; other modules may use their own kind strings.
AREA_KINDS = Choices(
    ("warranty", _l("Warranty repairs")),
    ("repair", _l("Paid repairs")),
    ("claims", _l("Consumer claims")),
    ("contracts", _l("Service contracts")),
    ("warehouse", _l("Warehouse")),
    ("intake", _l("Incoming requests")),
    ("other", _l("Other")),
)


class Position(Model):
    __tablename__ = "stf_position"
    __lookup_fields__ = ("name", "code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    department: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.name


class Employee(Model):
    __tablename__ = "stf_employee"
    __lookup_fields__ = ("name", "personnel_no")
    __lookup_load__ = ("user",)  # what its lookup label shows

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    personnel_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), unique=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("stf_position.id"), index=True)
    department: Mapped[str | None] = mapped_column(String(100))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("stf_employee.id"))
    hire_date: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship(User)
    position: Mapped[Position | None] = relationship()
    manager: Mapped[Employee | None] = relationship(remote_side=[id])

    def __str__(self) -> str:
        return self.name

    def lookup_label(self, hidden: Hidden) -> str:
        """What a lookup offers: "Maria Silva (msilva)", the login's username, else the
        personnel number, so two namesakes differ."""
        off = hidden(Employee)
        tag = None
        if self.user is not None and not {"user", "user_id"} & off:
            tag = self.user.username
        elif self.personnel_no and "personnel_no" not in off:
            tag = self.personnel_no
        return f"{self.name} ({tag})" if tag else self.name


class Responsibility(Model):
    """An area (kind + key, e.g. warranty / product line X) an employee answers for."""

    __tablename__ = "stf_responsibility"
    __table_args__ = (Index("ix_stf_responsibility_area", "kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("stf_employee.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(100), default="*")
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))

    employee: Mapped[Employee] = relationship()

    def __str__(self) -> str:
        return f"{AREA_KINDS.label(self.kind)} / {self.key}"


class Absence(Model):
    """A business trip, vacation, sickness...; the deputy takes over meanwhile."""

    __tablename__ = "stf_absence"
    __table_args__ = (Index("ix_stf_absence_dates", "date_from", "date_to"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("stf_employee.id"), index=True)
    kind: Mapped[str] = mapped_column(String(ABSENCE_KINDS.length))
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("stf_employee.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    deputy: Mapped[Employee | None] = relationship(foreign_keys=[deputy_id])

    def __str__(self) -> str:
        return f"{self.employee}: {ABSENCE_KINDS.label(self.kind)} {self.date_from}–{self.date_to}"
