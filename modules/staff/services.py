"""Staff rules: deputies, routing, intake, tasks, job descriptions, training.

Other modules import `acting_for`, `effective_assignee` and `propose_assignee`
from here (they depend on staff); staff never imports them.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, object_session

from app import signals
from app.db import db, utcnow
from app.errors import Conflict, DomainError, NotFound
from app.numbering import next_number
from app.policy import Actor, current_actor
from app.statemachine import StateMachine, Transition
from modules.staff.models import (
    ABSENCE_KINDS,
    INTAKE_CHANNELS,
    PRIORITIES,
    RESULTS,
    TASK_STATES,
    Absence,
    Acknowledgement,
    Employee,
    Intake,
    JobDescription,
    KpiEvent,
    Responsibility,
    Task,
    TimeLog,
    TrainingProgram,
    TrainingRecord,
    TrainingSession,
)
from modules.staff.models.jobs import JD_STATES

MAX_DEPUTY_CHAIN = 5

# ------------------------------------------------------------------ people


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


def check_employee(employee: Employee) -> None:
    employee.name = (employee.name or "").strip()
    if not employee.name:
        raise DomainError(_l("An employee needs a name."), field="name")
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


def _check_period(date_from: date | None, date_to: date | None, required_to: bool) -> None:
    if date_from is None:
        raise DomainError(_l("The start date is required."), field="date_from")
    if required_to and date_to is None:
        raise DomainError(_l("The end date is required."), field="date_to")
    if date_to is not None and date_to < date_from:
        raise DomainError(_l("The period ends before it starts."), field="date_to")


def check_responsibility(resp: Responsibility) -> None:
    resp.kind = (resp.kind or "").strip().lower()
    resp.key = (resp.key or "").strip() or "*"
    if not resp.kind:
        raise DomainError(_l("Say which kind of area this is."), field="kind")
    if resp.employee is None and resp.employee_id is None:
        raise DomainError(_l("Choose the employee."), field="employee")
    _check_period(resp.date_from, resp.date_to, required_to=False)


def check_absence(absence: Absence, actor: Actor | None = None) -> None:
    """An absence HR records (see permissions.py: HR designates deputies). Nobody
    names himself deputy: the user who records or changes an absence may not be its
    deputy (he would hold the absent colleague's work on his own word)."""
    if absence.kind not in ABSENCE_KINDS:
        raise DomainError(_l("Unknown kind of absence."), field="kind")
    _check_period(absence.date_from, absence.date_to, required_to=True)
    emp_id = absence.employee.id if absence.employee is not None else absence.employee_id
    dep_id = absence.deputy.id if absence.deputy is not None else absence.deputy_id
    if emp_id is None:
        raise DomainError(_l("Choose the employee."), field="employee")
    if dep_id is not None and dep_id == emp_id:
        raise DomainError(_l("An employee cannot be his own deputy."), field="deputy")
    if absence.deputy is not None and not absence.deputy.active:
        raise DomainError(_l("The deputy is no longer employed."), field="deputy")
    session = object_session(absence) or db.session
    actor = actor or current_actor()
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


# ------------------------------------------------------------------ intake


def register_intake(session: Session, intake: Intake, on: date | None = None) -> Intake:
    """Check, number and route an incoming request; unrouted ones wait in the queue."""
    if intake.channel not in INTAKE_CHANNELS:
        raise DomainError(_l("Unknown channel."), field="channel")
    intake.from_name = (intake.from_name or "").strip()
    intake.subject = (intake.subject or "").strip()
    if not intake.from_name:
        raise DomainError(_l("Say who contacted us."), field="from_name")
    if not intake.subject:
        raise DomainError(_l("Say what it is about."), field="subject")
    if intake.received_at is None:
        intake.received_at = utcnow()
    if not intake.number:
        intake.number = next_number(session, "INT", on)
    if intake.assignee_id is None and intake.assignee is None:
        route_intake(session, intake, on)
    return intake


def route_intake(session: Session, intake: Intake, on: date | None = None) -> int | None:
    if not intake.area_kind:
        return None
    owner = responsible_for(session, intake.area_kind, intake.area_key, on)
    if owner is None:
        return None
    # The responsible employee keeps it; his deputy receives it while he is away.
    assignee = effective_assignee(session, owner, on or date.today())
    intake.responsible_id = owner
    intake.assignee_id = assignee
    session.flush()
    signals.document_assigned.send(
        "staff", session=session, doc_type="stf_intake", doc_id=intake.id, user_id=assignee
    )
    return assignee


# ------------------------------------------------------------------ tasks

TASK_MACHINE = StateMachine(
    doc_type="stf_task",
    states=TASK_STATES.labels,
    transitions=[
        Transition("start", ("open",), "in_progress", _l("Start")),
        Transition("complete", ("open", "in_progress"), "done", _l("Complete")),
        Transition("cancel", ("open", "in_progress"), "cancelled", _l("Cancel"), True),
        Transition("reopen", ("done", "cancelled"), "open", _l("Reopen")),
    ],
    initial="open",
)


def check_task(task: Task) -> None:
    task.title = (task.title or "").strip()
    if not task.title:
        raise DomainError(_l("A task needs a title."), field="title")
    if not task.priority:
        task.priority = "normal"
    if task.priority not in PRIORITIES:
        raise DomainError(_l("Unknown priority."), field="priority")
    if bool(task.ref_type) != bool(task.ref_id):
        raise DomainError(_l("A link needs both the record type and its id."), field="ref_id")


def create_task(session: Session, task: Task, creator_id: int | None = None) -> Task:
    check_task(task)
    task.created_by_id = task.created_by_id or creator_id
    task.number = next_number(session, "TSK")
    if task.state and task.state != TASK_MACHINE.initial:
        raise DomainError(_l("A new task starts open."), field="state")
    session.add(task)
    TASK_MACHINE.start(session, task)
    if task.assignee_id:
        signals.document_assigned.send(
            "staff",
            session=session,
            doc_type="stf_task",
            doc_id=task.id,
            user_id=task.assignee_id,
        )
    return task


def transition_task(
    session: Session,
    task: Task,
    action: str,
    comment: str | None = None,
    own_user_id: int | None = None,
):
    """Move a task along its life. `own_user_id`: the assignee acting from "my tasks",
    who may start and complete it; cancelling and reopening stay with whoever created it."""
    if (
        own_user_id is not None
        and action not in ("start", "complete")
        and task.created_by_id != own_user_id
    ):
        raise DomainError(_l("Only the manager can cancel or reopen a task."), status=403)
    t = TASK_MACHINE.apply(session, task, action, comment)
    session.execute(
        delete(KpiEvent).where(
            KpiEvent.kind == "task_done",
            KpiEvent.ref_type == "stf_task",
            KpiEvent.ref_id == str(task.id),
        )
    )
    if task.state == "done":
        task.done_at = utcnow()
        on_time = task.due_date is None or task.done_at.date() <= task.due_date
        session.add(
            KpiEvent(
                kind="task_done",
                user_id=task.assignee_id,
                ref_type="stf_task",
                ref_id=str(task.id),
                opened_at=task.created_at,
                closed_at=task.done_at,
                on_time=on_time,
                hours=_hours_between(task.created_at, task.done_at),
            )
        )
    elif task.state == "open":
        task.done_at = None
    return t


def log_time(session: Session, log: TimeLog, user_id: int | None, may_act_for_all=False):
    """Record hours on a task by `user_id`, who must be able to act on the task."""
    if log.task is None and log.task_id is not None:
        log.task = session.get(Task, log.task_id)
    if log.task is None:
        raise DomainError(_l("Choose the task."), field="task")
    if log.user_id is None and log.user is None:
        log.user_id = user_id
    if log.on is None:
        log.on = date.today()
    try:
        hours = Decimal(str(log.hours)) if log.hours is not None else None
    except ArithmeticError:
        hours = None
    if hours is None or not hours.is_finite() or not (Decimal("0") < hours <= Decimal("24")):
        raise DomainError(_l("Hours must be more than 0 and at most 24."), field="hours")
    if log.on > date.today():
        raise DomainError(_l("Time cannot be recorded for a future day."), field="on")
    if log.task.state == "cancelled":
        raise DomainError(_l("The task is cancelled."), field="task")
    if not may_act_for_all:
        allowed = acting_for(session, user_id)  # rights as of today, not of the logged day
        if log.task.assignee_id not in allowed and log.task.responsible_id not in allowed:
            raise DomainError(_l("This is not your task."), field="task", status=403)
        if log.user_id != user_id:
            raise DomainError(_l("You record only your own hours."), field="user", status=403)
    return log


def _hours_between(start: datetime | None, end: datetime | None) -> Decimal | None:
    if start is None or end is None:
        return None
    return Decimal(str(round((end - start).total_seconds() / 3600, 3)))


# ------------------------------------------------------------------ job descriptions


JD_TEXT = (
    "title",
    "reports_to",
    "appointed_by",
    "qualification",
    "experience",
    "must_know",
    "duties",
    "rights",
    "responsibilities",
    "working_conditions",
)


def current_job_description(session: Session, position_id: int | None) -> JobDescription | None:
    if position_id is None:
        return None
    return session.scalar(
        select(JobDescription)
        .where(JobDescription.position_id == position_id, JobDescription.state == "published")
        .order_by(JobDescription.version.desc())
        .limit(1)
    )


def prepare_job_description(session: Session, jd: JobDescription) -> None:
    """A new job description is a draft with the next version number of its position."""
    jd.title = (jd.title or "").strip()
    if not jd.title:
        raise DomainError(_l("A job description needs a title."), field="title")
    pos_id = jd.position.id if jd.position is not None else jd.position_id
    if pos_id is None:
        raise DomainError(_l("Choose the position."), field="position")
    if jd.id is None:
        last = session.scalar(
            select(func.max(JobDescription.version)).where(JobDescription.position_id == pos_id)
        )
        jd.version = (last or 0) + 1
        jd.state = "draft"


def check_job_description_edit(jd: JobDescription) -> None:
    from sqlalchemy import inspect

    hist = inspect(jd).attrs.state.history
    original = hist.deleted[0] if hist.deleted else jd.state
    if original != "draft":
        raise DomainError(
            _l("A published version cannot be changed; make a new version."), status=409
        )
    jd.title = (jd.title or "").strip()
    if not jd.title:
        raise DomainError(_l("A job description needs a title."), field="title")


JD_MACHINE = StateMachine(
    doc_type="stf_job_description",
    states=JD_STATES.labels,
    transitions=[
        Transition("publish", ("draft",), "published", _l("Publish")),
        Transition("supersede", ("published",), "superseded", _l("Supersede")),
    ],
    initial="draft",
)


def publish_job_description(session: Session, jd: JobDescription, who: str | None = None):
    """Publish a draft: it becomes the current version; the previous one is superseded.
    Every holder of the position then has to acknowledge it."""
    if jd.state != "draft":
        raise DomainError(_l("Only a draft can be published."), status=409)
    newest = session.scalar(
        select(func.max(JobDescription.version)).where(
            JobDescription.position_id == jd.position_id, JobDescription.state == "published"
        )
    )
    if newest is not None and newest > jd.version:
        raise DomainError(
            _l("A newer version is already published; make a new version from it."), status=409
        )
    for old in session.scalars(
        select(JobDescription).where(
            JobDescription.position_id == jd.position_id,
            JobDescription.state == "published",
            JobDescription.id != jd.id,
        )
    ):
        JD_MACHINE.apply(session, old, "supersede", comment=f"v{jd.version}")
    JD_MACHINE.apply(session, jd, "publish")
    jd.published_at = utcnow()
    jd.published_by = who
    return jd


def new_version(session: Session, jd: JobDescription) -> JobDescription:
    """A draft copy of `jd` to edit and publish as the next version."""
    copy = JobDescription(position_id=jd.position_id, position=jd.position)
    for col in JD_TEXT:
        setattr(copy, col, getattr(jd, col))
    prepare_job_description(session, copy)
    session.add(copy)
    session.flush()
    return copy


def acknowledge(session: Session, user_id: int | None, jd_id: int | None = None):
    """The current user signs “read and understood” the current version of his position."""
    emp = employee_of_user(session, user_id)
    if emp is None:
        raise NotFound(_l("You are not registered as an employee."))
    current = current_job_description(session, emp.position_id)
    if current is None:
        raise NotFound(_l("Your position has no published job description."))
    if jd_id is not None and jd_id != current.id:
        raise DomainError(
            _l("Only the current version of your own job description can be acknowledged."),
            field="job_description",
        )
    exists = session.scalar(
        select(Acknowledgement).where(
            Acknowledgement.job_description_id == current.id,
            Acknowledgement.employee_id == emp.id,
        )
    )
    if exists is not None:
        raise Conflict(_l("You have already acknowledged this version."))
    ack = Acknowledgement(
        job_description=current, employee=emp, signed_name=emp.name, acknowledged_at=utcnow()
    )
    session.add(ack)
    session.flush()
    return ack


# ------------------------------------------------------------------ training


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_program(program: TrainingProgram) -> None:
    program.topic = (program.topic or "").strip()
    if not program.topic:
        raise DomainError(_l("A program needs a topic."), field="topic")
    if program.hours is not None and Decimal(program.hours) < 0:
        raise DomainError(_l("Hours cannot be negative."), field="hours")
    if program.validity_months is not None and program.validity_months <= 0:
        raise DomainError(_l("Validity is a positive number of months."), field="validity_months")


def check_session(ts: TrainingSession) -> None:
    if ts.program is None and ts.program_id is None:
        raise DomainError(_l("Choose the program."), field="program")
    _check_period(ts.date_from, ts.date_to, required_to=False)


def check_record(session: Session, rec: TrainingRecord) -> None:
    with session.no_autoflush:
        _check_record(session, rec)


def _check_record(session: Session, rec: TrainingRecord) -> None:
    if rec.result not in RESULTS:
        raise DomainError(_l("Unknown result."), field="result")
    ts = rec.session or (session.get(TrainingSession, rec.session_id) if rec.session_id else None)
    if ts is None:
        raise DomainError(_l("Choose the training session."), field="session")
    if rec.employee is None and rec.employee_id is None:
        raise DomainError(_l("Choose the employee."), field="employee")
    if rec.score is not None and not 0 <= rec.score <= 100:
        raise DomainError(_l("The score is between 0 and 100."), field="score")
    if rec.result == "passed":
        rec.completed_on = rec.completed_on or ts.date_to or ts.date_from
        program = ts.program
        if rec.expires_on is None and program.validity_months:
            rec.expires_on = add_months(rec.completed_on, program.validity_months)
        if program.certificate and not rec.certificate_no:
            raise DomainError(
                _l("This program gives a certificate: enter its number."), field="certificate_no"
            )
    elif rec.certificate_no or rec.expires_on:
        raise DomainError(_l("Only a passed training has a certificate."), field="certificate_no")
    if rec.expires_on and rec.completed_on and rec.expires_on < rec.completed_on:
        raise DomainError(_l("The certificate expires before it was issued."), field="expires_on")


def holders(session: Session, jd: JobDescription, employee_id: int | None = None):
    """Active holders of the position of `jd` with their acknowledgement of it (or None)."""
    stmt = (
        select(Employee, Acknowledgement)
        .outerjoin(
            Acknowledgement,
            (Acknowledgement.employee_id == Employee.id)
            & (Acknowledgement.job_description_id == jd.id),
        )
        .where(Employee.position_id == jd.position_id, Employee.active.is_(True))
        .order_by(Employee.name)
    )
    if employee_id is not None:
        stmt = stmt.where(Employee.id == employee_id)
    return [(e, a) for e, a in session.execute(stmt).all()]
