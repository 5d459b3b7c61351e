"""Shared set-up for staff tests: employees linked to the test users."""

from __future__ import annotations

from datetime import date

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from modules.staff.models import Absence, Employee, Position
from tests.conftest import ROLE_USERS


def user_id(session, role: str) -> int:
    return session.scalar(select(User.id).where(User.username == ROLE_USERS[role]))


def make_staff(session, roles=("Technician", "Claims Officer", "Service Manager")) -> dict:
    """One position per role and an employee per role; returns {role: employee id}."""
    out = {}
    for role in roles:
        pos = session.scalar(select(Position).where(Position.name == role))
        if pos is None:
            pos = Position(name=role, active=True)
            session.add(pos)
        emp = Employee(
            name=f"{role} Person", user_id=user_id(session, role), position=pos, active=True
        )
        session.add(emp)
        session.flush()
        out[role] = emp.id
    return out


def absent(session, emp_id: int, deputy_id: int | None, date_from: date, date_to: date):
    a = Absence(
        employee_id=emp_id,
        deputy_id=deputy_id,
        kind="vacation",
        date_from=date_from,
        date_to=date_to,
    )
    session.add(a)
    session.flush()
    return a.id
