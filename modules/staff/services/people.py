"""People: positions, employees, responsibilities, absences and deputies.

Other modules ask here who holds whose work (`acting_for`), who receives work for
an absent colleague (`effective_assignee`) and who should get new work of an area
(`propose_assignee`); staff never imports them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.policy import SYSTEM, Actor
from app.rules import Rules
from modules.staff.models import (
    ABSENCE_KINDS,
    Absence,
    Employee,
    Position,
    Responsibility,
)

MAX_DEPUTY_CHAIN = 5
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def employee_of_user(session: Session, user_id: int | None) -> Employee | None:
    if user_id is None:
        return None
    return session.scalar(select(Employee).where(Employee.user_id == user_id))


def absence_on(session: Session, employee_id: int, on: date) -> Absence | None:
    return session.scalar(
        select(Absence)
        .where(Absence.employee_id == employee_id, Absence.date_from <= on, Absence.date_to >= on)
        .order_by(Absence.date_from.desc(), Absence.id.desc())
        .limit(1)
    )


def acting_for(session: Session, user_id: int | None, on: date | None = None) -> set[int]:
    """User ids whose work `user_id` may see and act on, on `on` (today by default):
    himself and everyone absent that day who named him deputy (also a deputy's deputy)."""
    if user_id is None:
        return set()
    on = on or date.today()
    result = {user_id}
    me = employee_of_user(session, user_id)
    if me is None:
        return result
    frontier = {me.id}
    seen = {me.id}
    for _ in range(MAX_DEPUTY_CHAIN):
        rows = session.execute(
            select(Employee.id, Employee.user_id)
            .join(Absence, Absence.employee_id == Employee.id)
            .where(
                Absence.deputy_id.in_(frontier),
                Absence.date_from <= on,
                Absence.date_to >= on,
            )
        ).all()
        frontier = {emp_id for emp_id, _uid in rows if emp_id not in seen}
        result |= {uid for _eid, uid in rows if uid is not None}
        if not frontier:
            break
        seen |= frontier
    return result


def deputyships(session: Session, employee_id: int, since: date | None = None):
    """(absences of the employee, absences he stands in for), current and future
    ones first (and those that ended after `since`, 90 days back by default)."""
    since = since or date.today() - timedelta(days=90)
    base = select(Absence).where(Absence.date_to >= since).order_by(Absence.date_from.desc())
    own = session.scalars(base.where(Absence.employee_id == employee_id)).all()
    covers = session.scalars(base.where(Absence.deputy_id == employee_id)).all()
    return own, covers


def effective_assignee(session: Session, user_id: int | None, on: date | None = None) -> int | None:
    """Who receives work for `user_id` on `on`: his deputy while he is absent."""
    if user_id is None:
        return None
    on = on or date.today()
    current = user_id
    seen = {user_id}
    for _ in range(MAX_DEPUTY_CHAIN):
        emp = employee_of_user(session, current)
        if emp is None:
            return current
        absence = absence_on(session, emp.id, on)
        if absence is None or absence.deputy is None or absence.deputy.user_id is None:
            return current
        nxt = absence.deputy.user_id
        if nxt in seen:
            return current
        seen.add(nxt)
        current = nxt
    return current


def propose_assignee(
    session: Session, kind: str, key: str | None = None, on: date | None = None
) -> int | None:
    """The user who should get new work of area (kind, key) on `on`: the responsible
    employee, or his deputy while he is absent."""
    owner = responsible_for(session, kind, key, on)
    return None if owner is None else effective_assignee(session, owner, on or date.today())


def responsible_for(
    session: Session, kind: str, key: str | None = None, on: date | None = None
) -> int | None:
    """The user responsible for area (kind, key) on `on`, absent or not.

    An exact key wins over the catch-all `*`; among equals the longest-standing one."""
    on = on or date.today()
    key = (key or "").strip() or "*"
    rows = session.execute(
        select(Responsibility.key, Employee.user_id)
        .join(Employee, Employee.id == Responsibility.employee_id)
        .where(
            Responsibility.kind == kind.strip().lower(),
            Responsibility.key.in_({key, "*"}),
            Responsibility.date_from <= on,
            or_(Responsibility.date_to.is_(None), Responsibility.date_to >= on),
            Employee.active.is_(True),
            Employee.user_id.is_not(None),
        )
        .order_by(Responsibility.date_from, Responsibility.id)
    ).all()
    if not rows:
        return None
    exact = [uid for k, uid in rows if k == key]
    return exact[0] if exact else rows[0][1]


# ------------------------------------------------------------------ checks


def check_period(date_from: date | None, date_to: date | None, required_to: bool) -> None:
    if date_from is None:
        raise DomainError(_l("The start date is required."), field="date_from")
    if required_to and date_to is None:
        raise DomainError(_l("The end date is required."), field="date_to")
    if date_to is not None and date_to < date_from:
        raise DomainError(_l("The period ends before it starts."), field="date_to")


def check_position(position: Position) -> None:
    """A position has a name (not blank); code and department are trimmed."""
    position.name = (position.name or "").strip()
    if not position.name:
        raise DomainError(_l("A position needs a name."), field="name")
    position.code = (position.code or "").strip() or None
    position.department = (position.department or "").strip() or None


def check_employee(employee: Employee) -> None:
    employee.name = (employee.name or "").strip()
    if not employee.name:
        raise DomainError(_l("An employee needs a name."), field="name")
    employee.email = (employee.email or "").strip() or None
    if employee.email and not EMAIL.fullmatch(employee.email):
        raise DomainError(_l("Not a valid e-mail address."), field="email")
    if employee.manager is not None and employee.manager is employee:
        raise DomainError(_l("An employee cannot be his own manager."), field="manager")
    if employee.id is not None and employee.manager_id == employee.id:
        raise DomainError(_l("An employee cannot be his own manager."), field="manager")
    boss, steps = employee.manager, 0
    while boss is not None and steps < 100:
        if boss is employee or (employee.id is not None and boss.id == employee.id):
            raise DomainError(
                _l("This manager reports, directly or not, to the employee."), field="manager"
            )
        boss, steps = boss.manager, steps + 1


def check_responsibility(resp: Responsibility) -> None:
    resp.kind = (resp.kind or "").strip().lower()
    resp.key = (resp.key or "").strip() or "*"
    if not resp.kind:
        raise DomainError(_l("Say which kind of area this is."), field="kind")
    if resp.employee is None and resp.employee_id is None:
        raise DomainError(_l("Choose the employee."), field="employee")
    check_period(resp.date_from, resp.date_to, required_to=False)


def check_absence(session: Session, absence: Absence, actor: Actor = SYSTEM) -> None:
    """An absence HR records (see permissions.py: HR designates deputies). Nobody
    names himself deputy: the user who records or changes an absence may not be its
    deputy (he would hold the absent colleague's work on his own word)."""
    if absence.kind not in ABSENCE_KINDS:
        raise DomainError(_l("Unknown kind of absence."), field="kind")
    check_period(absence.date_from, absence.date_to, required_to=True)
    emp_id = absence.employee.id if absence.employee is not None else absence.employee_id
    dep_id = absence.deputy.id if absence.deputy is not None else absence.deputy_id
    if emp_id is None:
        raise DomainError(_l("Choose the employee."), field="employee")
    if dep_id is not None and dep_id == emp_id:
        raise DomainError(_l("An employee cannot be his own deputy."), field="deputy")
    if absence.deputy is not None and not absence.deputy.active:
        raise DomainError(_l("The deputy is no longer employed."), field="deputy")
    if dep_id is not None and not actor.system:
        with session.no_autoflush:
            deputy_user = session.scalar(select(Employee.user_id).where(Employee.id == dep_id))
        if deputy_user is not None and deputy_user == actor.user_id:
            raise DomainError(
                _l("Nobody designates himself a deputy: another person records it."),
                field="deputy",
                status=403,
            )
    with session.no_autoflush:
        overlap = session.scalar(
            select(Absence.id).where(
                Absence.employee_id == emp_id,
                Absence.date_from <= absence.date_to,
                Absence.date_to >= absence.date_from,
                Absence.id != (absence.id or 0),
            )
        )
    if overlap is not None:
        raise DomainError(
            _l("This employee is already absent during part of this period."), field="date_from"
        )


# ------------------------------------------------------------------ rules objects


class PositionRules(Rules):
    """A position has a name that is not blank."""

    def create(self, session, item, actor) -> None:
        check_position(item)

    update = create


class EmployeeRules(Rules):
    """An employee has a name; his manager is not himself, nor anyone under him."""

    def create(self, session, item, actor) -> None:
        check_employee(item)

    update = create


class ResponsibilityRules(Rules):
    """An area (kind, key: `*` for all) answered for by an employee over a period."""

    def create(self, session, item, actor) -> None:
        check_responsibility(item)

    update = create


class AbsenceRules(Rules):
    """A known kind, a period, no overlap with the employee's other absences, an active
    deputy other than the employee, and never the person who records it."""

    def create(self, session, item, actor) -> None:
        check_absence(session, item, actor)

    update = create
