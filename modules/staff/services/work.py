"""Work: incoming requests routed to who answers for them, tasks with their life, and
the hours spent on tasks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, or_
from sqlalchemy.orm import Session

from app.amounts import quantity
from app.db import utcnow
from app.errors import Conflict, DomainError
from app.insights import Condition, Context
from app.numbering import next_number
from app.rules import Archived, Rules
from app.statemachine import StateMachine, Transition
from modules.staff.models import (
    INTAKE_CHANNELS,
    PRIORITIES,
    TASK_STATES,
    Intake,
    KpiEvent,
    Task,
    TimeLog,
)
from modules.staff.services.people import acting_for, effective_assignee, responsible_for

MAX_HOURS_A_DAY = 24

# ------------------------------------------------------------------ intake


def check_intake(intake: Intake) -> None:
    """A known channel, who contacted us and about what."""
    if intake.channel not in INTAKE_CHANNELS:
        raise DomainError(_l("Unknown channel."), field="channel")
    intake.from_name = (intake.from_name or "").strip()
    intake.subject = (intake.subject or "").strip()
    if not intake.from_name:
        raise DomainError(_l("Say who contacted us."), field="from_name")
    if not intake.subject:
        raise DomainError(_l("Say what it is about."), field="subject")


def register_intake(session: Session, intake: Intake, on: date | None = None) -> Intake:
    """Check, number and route an incoming request; unrouted ones wait in the queue."""
    check_intake(intake)
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
    # the relations, not the keys: a form sets `assignee` to None, which would win at flush
    intake.responsible = session.get(User, owner)
    intake.assignee = session.get(User, assignee)
    session.flush()
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


def _hours_between(start: datetime | None, end: datetime | None) -> Decimal | None:
    if start is None or end is None:
        return None
    return Decimal(str(round((end - start).total_seconds() / 3600, 3)))


# ------------------------------------------------------------------ time


def log_time(session: Session, log: TimeLog, user_id: int | None, may_act_for_all=False):
    """Record hours on a task by `user_id`, who must be able to act on the task."""
    if log.task is None and log.task_id is not None:
        log.task = session.get(Task, log.task_id)
    if log.task is None:
        raise DomainError(_l("Choose the task."), field="task")
    if log.user_id is None and log.user is None and user_id is not None:
        log.user = session.get(User, user_id)  # the relation: a blank form field would win
    if log.on is None:
        log.on = date.today()
    hours = quantity(log.hours, "hours", label=_l("Hours"), maximum=MAX_HOURS_A_DAY)
    log.hours = hours
    if log.on > date.today():
        raise DomainError(_l("Time cannot be recorded for a future day."), field="on")
    if log.task.state == "cancelled":
        raise DomainError(_l("The task is cancelled."), field="task")
    if not may_act_for_all:
        with session.no_autoflush:  # the new log is not in the session yet
            allowed = acting_for(session, user_id)  # rights as of today, not of the day
        if log.task.assignee_id not in allowed and log.task.responsible_id not in allowed:
            raise DomainError(_l("This is not your task."), field="task", status=403)
        if log.user_id != user_id:
            raise DomainError(_l("You record only your own hours."), field="user", status=403)
    return log


# ------------------------------------------------------------------ rules objects


class IntakeRules(Archived):
    """A request is numbered and routed to who answers for its area (his deputy while
    he is away) when nobody is named; it is closed, never deleted."""

    not_deleted_message = _l("Incoming requests are closed, not deleted.")

    def create(self, session, item, actor) -> None:
        register_intake(session, item, date.today())

    def update(self, session, item, actor) -> None:
        check_intake(item)
        if item.assignee_id is None and item.assignee is None:
            route_intake(session, item, date.today())


class MyIntakeRules(IntakeRules):
    """The assignee describes and closes his request; its routing stays as it was set."""

    def update(self, session, item, actor) -> None:
        check_intake(item)


class TaskRules(Rules):
    """A task has a title, a known priority and a whole link (type and id); it is
    numbered and starts open; it is cancelled, never deleted."""

    state_machine = TASK_MACHINE
    own_tasks = False  # "my tasks": the assignee starts and completes, no more

    def create(self, session, item, actor) -> None:
        create_task(session, item, actor.user_id)

    def update(self, session, item, actor) -> None:
        check_task(item)

    def delete(self, session, item, actor) -> None:
        raise Conflict(_l("Tasks are not deleted: cancel them."))

    def transition(self, session, item, action, comment, actor) -> None:
        own = actor.user_id if self.own_tasks else None
        transition_task(session, item, action, comment, own_user_id=own)


class MyTaskRules(TaskRules):
    """A task for myself: I am its assignee and its responsible; I start and complete
    it, cancelling and reopening stay with whoever created it."""

    own_tasks = True

    def create(self, session, item, actor) -> None:
        item.assignee_id = item.responsible_id = actor.user_id
        create_task(session, item, actor.user_id)


class TimeLogRules(Rules):
    """Hours (more than 0, at most 24 a day) on a task that is not cancelled, not on a
    future day; the manager records them for anyone."""

    def create(self, session, item, actor) -> None:
        log_time(session, item, actor.user_id, may_act_for_all=True)

    update = create


class MyTimeLogRules(Rules):
    """My own hours, on a task I may act on (mine, or a colleague's I stand in for)."""

    def create(self, session, item, actor) -> None:
        item.user_id = actor.user_id
        log_time(session, item, actor.user_id)

    def update(self, session, item, actor) -> None:
        log_time(session, item, actor.user_id)


# ------------------------------------------------------------------ the rows figures count
# One definition each, asked by the dashboard's figures and by the task lists' quick
# filters (`?quick=overdue`), so a figure and the list behind it cannot drift apart.

OPEN_TASK_STATES = ("open", "in_progress")


def task_open(ctx: Context):
    """Tasks neither done nor cancelled."""
    return Task.state.in_(OPEN_TASK_STATES)


def task_overdue(ctx: Context):
    """Open tasks whose due date was before today."""
    return and_(task_open(ctx), Task.due_date < ctx.today)


def task_due(ctx: Context):
    """Open tasks due today or earlier."""
    return and_(task_open(ctx), Task.due_date <= ctx.today)


def task_mine(ctx: Context):
    """Tasks assigned to (or under the responsibility of) the reader or a colleague
    whose work he holds today."""
    ids = ctx.acting_for or (-1,)
    return or_(Task.assignee_id.in_(ids), Task.responsible_id.in_(ids))


QUICK_FILTERS: dict[str, Condition] = {
    "mine": task_mine,
    "open": task_open,
    "overdue": task_overdue,
    "due": task_due,
}
