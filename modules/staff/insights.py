"""What staff contributes: tasks due and overdue (KPIs, notices to the assignee or his
deputy), training compliance and trainings expiring, the hooks
that say who stands in for whom and who is responsible for an area, and the tasks and
trainings of the service report."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from app.insights import (
    PERCENT,
    Context,
    Insights,
    Kpi,
    Notice,
    NotificationSource,
    ReportSection,
    ReportTable,
    quick_link,
)
from modules.staff.models import (
    TASK_STATES,
    Employee,
    Task,
    TrainingProgram,
    TrainingRecord,
    TrainingSession,
)
from modules.staff.reports import compliance
from modules.staff.services import effective_assignee, responsible_for, work

EXPIRY_DAYS = 30


# ------------------------------------------------------------------ tasks


def tasks_overdue(session, ctx: Context) -> int:
    stmt = select(func.count(Task.id)).where(work.task_overdue(ctx))
    return session.scalar(ctx.visible(stmt, Task))


def my_tasks_due(session, ctx: Context) -> int:
    """My open tasks (and those of colleagues I stand in for) due today or earlier."""
    stmt = select(func.count(Task.id)).where(work.task_mine(ctx), work.task_due(ctx))
    return session.scalar(ctx.visible(stmt, Task))


def task_notices(session, today: date):
    """Open tasks due today or tomorrow, and overdue ones, to the assignee (or, without
    one, the responsible); the delivery hands them to a deputy during an absence."""
    rows = session.execute(
        select(
            Task.id, Task.number, Task.title, Task.due_date, Task.assignee_id, Task.responsible_id
        )
        .where(work.task_due(Context(today=today + timedelta(days=1))))
        .order_by(Task.due_date, Task.id)
    ).all()
    for tid, number, title, due, assignee, responsible in rows:
        user = assignee or responsible
        if user is None:
            continue
        if due < today:
            key = f"stf.task.overdue:{tid}:{due.isoformat()}"
            text = _l("Task %(number)s “%(title)s” is overdue", number=number, title=title)
        else:
            key = f"stf.task.due:{tid}:{due.isoformat()}"
            text = _l("Task %(number)s “%(title)s” is due", number=number, title=title)
        yield Notice(user_id=user, key=key, text=text, link=f"/mytaskview/show/{tid}", due=due)


# ------------------------------------------------------------------ training


def training_compliance(session, ctx: Context) -> Decimal | None:
    """Share of employees bound by mandatory trainings who hold all of them, valid today."""
    from modules.staff.models import program_positions

    bound = session.scalar(
        select(func.count(func.distinct(Employee.id)))
        .join(program_positions, program_positions.c.position_id == Employee.position_id)
        .join(TrainingProgram, TrainingProgram.id == program_positions.c.program_id)
        .where(Employee.active.is_(True), TrainingProgram.active.is_(True))
    )
    if not bound:
        return None
    lacking = len({g.employee_id for g in compliance(session, on=ctx.today)})
    return (Decimal(bound - lacking) * 100 / bound).quantize(Decimal("0.1"))


def trainings_expiring(session, ctx: Context) -> int:
    stmt = select(func.count(TrainingRecord.id)).where(
        TrainingRecord.result == "passed",
        TrainingRecord.expires_on >= ctx.today,
        TrainingRecord.expires_on <= ctx.today + timedelta(days=EXPIRY_DAYS),
    )
    return session.scalar(ctx.visible(stmt, TrainingRecord))


def _expiring_link(ctx: Context) -> str:
    before = (ctx.today - timedelta(days=1)).isoformat()
    after = (ctx.today + timedelta(days=EXPIRY_DAYS + 1)).isoformat()
    return (
        f"/trainingrecordview/list/?_flt_1_expires_on={before}&_flt_2_expires_on={after}"
        "&_flt_3_result=passed"
    )


def training_notices(session, today: date):
    """A mandatory training that expired or expires within 30 days, to the employee."""
    gaps = [
        g
        for g in compliance(session, on=today, horizon=today + timedelta(days=EXPIRY_DAYS))
        if g.status in ("expired", "expiring")
    ]
    users = dict(
        session.execute(
            select(Employee.id, Employee.user_id).where(
                Employee.id.in_({g.employee_id for g in gaps}), Employee.user_id.is_not(None)
            )
        ).all()
    )
    for g in gaps:
        uid = users.get(g.employee_id)
        if uid is None:
            continue
        if g.status == "expired":
            text = _l("Your training “%(program)s” has expired", program=g.program)
        else:
            text = _l(
                "Your training “%(program)s” expires on %(date)s",
                program=g.program,
                date=g.expires_on,
            )
        yield Notice(
            user_id=uid,
            key=f"stf.training.{g.status}:{g.employee_id}:{g.program_id}:{g.expires_on}",
            text=text,
            link="/mytrainingview/list/",
            due=g.expires_on,
        )


# ------------------------------------------------------------------ report


def tasks_section(session, date_from: date, date_to: date) -> ReportTable:
    """Tasks due in the period: when due, when done, on time or not."""
    rows = session.execute(
        select(Task.number, Task.title, Task.due_date, Task.done_at, Task.state)
        .where(Task.due_date >= date_from, Task.due_date <= date_to, Task.state != "cancelled")
        .order_by(Task.due_date, Task.id)
    ).all()
    body = []
    met = 0
    for number, title, due, done_at, state in rows:
        on_time = state == "done" and done_at is not None and done_at.date() <= due
        met += on_time
        body.append(
            [
                number,
                title,
                due,
                done_at.date() if done_at else None,
                TASK_STATES.label(state),
                on_time,
            ]
        )
    return ReportTable(
        title=_l("Tasks due in the period"),
        columns=[_l("Number"), _l("Title"), _l("Due"), _l("Done"), _l("State"), _l("On time")],
        rows=body,
        note=_l("%(met)s of %(count)s done on time", met=met, count=len(body)) if body else None,
    )


def training_section(session, date_from: date, date_to: date) -> ReportTable:
    rows = session.execute(
        select(
            TrainingSession.date_from,
            TrainingProgram.topic,
            func.count(TrainingRecord.id),
            func.sum(case((TrainingRecord.result == "passed", 1), else_=0)),
        )
        .join(TrainingProgram, TrainingProgram.id == TrainingSession.program_id)
        .outerjoin(TrainingRecord, TrainingRecord.session_id == TrainingSession.id)
        .where(TrainingSession.date_from >= date_from, TrainingSession.date_from <= date_to)
        .group_by(TrainingSession.id, TrainingSession.date_from, TrainingProgram.topic)
        .order_by(TrainingSession.date_from)
    ).all()
    return ReportTable(
        title=_l("Training sessions"),
        columns=[_l("Date"), _l("Program"), _l("Participants"), _l("Passed")],
        rows=[[d, topic, int(n or 0), int(p or 0)] for d, topic, n, p in rows],
    )


INSIGHTS = Insights(
    kpis=[
        Kpi(
            "staff.my_tasks_due",
            _l("My tasks due or overdue"),
            my_tasks_due,
            link=quick_link("/mytaskview/list/", "due"),
            resource="MyTask",
            warn_above=0,
            order=100,
        ),
        Kpi(
            "staff.tasks_overdue",
            _l("Tasks overdue"),
            tasks_overdue,
            link=quick_link("/taskview/list/", "overdue"),
            resource="Task",
            warn_above=0,
            order=110,
        ),
        Kpi(
            "staff.training_compliance",
            _l("Training compliance"),
            training_compliance,
            link="/staffreports/compliance",
            resource="StaffReport",
            unit=PERCENT,
            order=600,
        ),
        Kpi(
            "staff.trainings_expiring",
            _l("Certificates expiring within 30 days"),
            trainings_expiring,
            link=_expiring_link,
            resource="TrainingRecord",
            order=610,
        ),
    ],
    notifications=[
        NotificationSource("staff.tasks", _l("Tasks due and overdue"), task_notices),
        NotificationSource("staff.training", _l("Trainings expiring"), training_notices),
    ],
    report_sections=[
        ReportSection(
            "staff.tasks", _l("Tasks due in the period"), tasks_section, resource="Task", order=200
        ),
        ReportSection(
            "staff.training",
            _l("Training sessions"),
            training_section,
            resource="TrainingSession",
            order=600,
        ),
    ],
    stand_in=effective_assignee,
    responsible=responsible_for,
)
