"""Read-only reports: unsigned job descriptions, training compliance and plan, KPIs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, selectinload

from app.db import utc_day_start
from modules.staff.models import (
    Acknowledgement,
    Employee,
    JobDescription,
    KpiEvent,
    Position,
    TrainingProgram,
    TrainingRecord,
    TrainingSession,
)

STATUS_LABELS = {
    "missing": _l("Never trained"),
    "expired": _l("Expired"),
    "expiring": _l("Expires soon"),
}


def unsigned(session: Session) -> list[dict]:
    """Active employees who have not acknowledged the current version of their position."""
    current = (
        select(
            JobDescription.position_id,
            JobDescription.id,
            JobDescription.version,
            JobDescription.title,
        )
        .where(JobDescription.state == "published")
        .subquery()
    )
    rows = session.execute(
        select(
            Employee.id,
            Employee.name,
            Position.name,
            current.c.id,
            current.c.version,
            current.c.title,
        )
        .join(Position, Position.id == Employee.position_id)
        .join(current, current.c.position_id == Employee.position_id)
        .outerjoin(
            Acknowledgement,
            and_(
                Acknowledgement.job_description_id == current.c.id,
                Acknowledgement.employee_id == Employee.id,
            ),
        )
        .where(Employee.active.is_(True), Acknowledgement.id.is_(None))
        .order_by(Position.name, Employee.name)
    ).all()
    return [
        {
            "employee_id": e,
            "employee": n,
            "position": p,
            "job_description_id": j,
            "version": v,
            "title": t,
        }
        for e, n, p, j, v, t in rows
    ]


@dataclass
class Gap:
    employee_id: int
    employee: str
    position: str
    program_id: int
    program: str
    status: str  # missing / expired / expiring
    expires_on: date | None

    def as_dict(self) -> dict:
        return {
            "employee_id": self.employee_id,
            "employee": self.employee,
            "position": self.position,
            "program_id": self.program_id,
            "program": self.program,
            "status": self.status,
            "status_label": str(STATUS_LABELS[self.status]),
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
        }


def compliance(session: Session, on: date | None = None, horizon: date | None = None) -> list[Gap]:
    """Who lacks a mandatory training for his position, or whose last one is no longer
    valid on `on` (or, with `horizon`, stops being valid by then)."""
    on = on or date.today()
    programs = session.scalars(
        select(TrainingProgram)
        .where(TrainingProgram.active.is_(True))
        .options(selectinload(TrainingProgram.mandatory_for))
    ).all()
    by_position: dict[int, list[TrainingProgram]] = defaultdict(list)
    for p in programs:
        for pos in p.mandatory_for:
            by_position[pos.id].append(p)
    if not by_position:
        return []
    employees = session.execute(
        select(Employee.id, Employee.name, Employee.position_id, Position.name)
        .join(Position, Position.id == Employee.position_id)
        .where(Employee.active.is_(True), Employee.position_id.in_(by_position))
        .order_by(Employee.name)
    ).all()
    best: dict[tuple[int, int], date | None] = {}
    passed = session.execute(
        select(TrainingRecord.employee_id, TrainingSession.program_id, TrainingRecord.expires_on)
        .join(TrainingSession, TrainingSession.id == TrainingRecord.session_id)
        .where(TrainingRecord.result == "passed")
    ).all()
    for emp_id, prog_id, expires in passed:
        key = (emp_id, prog_id)
        old = best.get(key, date.min)
        if old is not None and (expires is None or expires > old):
            best[key] = expires
    gaps = []
    for emp_id, name, pos_id, pos_name in employees:
        for prog in by_position[pos_id]:
            key = (emp_id, prog.id)
            if key not in best:
                status, expires = "missing", None
            else:
                expires = best[key]
                if expires is None:
                    continue
                if expires < on:
                    status = "expired"
                elif horizon is not None and expires <= horizon:
                    status = "expiring"
                else:
                    continue
            gaps.append(Gap(emp_id, name, pos_name, prog.id, prog.topic, status, expires))
    return gaps


def next_quarter(today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    q_start_month = ((today.month - 1) // 3) * 3 + 1
    start = date(today.year, q_start_month, 1) + relativedelta(months=3)
    end = start + relativedelta(months=3) - timedelta(days=1)
    return start, end


def plan(session: Session, today: date | None = None) -> dict:
    """The training plan for the next quarter: who must be trained in what by its end,
    and the sessions already scheduled in it."""
    start, end = next_quarter(today)
    gaps = compliance(session, on=start, horizon=end)
    sessions = session.execute(
        select(
            TrainingSession.id, TrainingSession.date_from, TrainingProgram.id, TrainingProgram.topic
        )
        .join(TrainingProgram, TrainingProgram.id == TrainingSession.program_id)
        .where(TrainingSession.date_from >= start, TrainingSession.date_from <= end)
        .order_by(TrainingSession.date_from)
    ).all()
    scheduled: dict[int, list[dict]] = defaultdict(list)
    for sid, d, pid, topic in sessions:
        scheduled[pid].append({"session_id": sid, "date": d.isoformat(), "program": topic})
    needs = []
    for g in gaps:
        row = g.as_dict()
        row["sessions"] = scheduled.get(g.program_id, [])
        needs.append(row)
    return {
        "quarter_start": start.isoformat(),
        "quarter_end": end.isoformat(),
        "needs": needs,
        "sessions": [s for v in scheduled.values() for s in v],
    }


def kpis(session: Session, date_from: date | None = None, date_to: date | None = None):
    """Per user: tasks done (on time), repairs and claims closed (on time) with their
    average time in hours, and the average customer satisfaction -- summed in SQL."""
    on_time = func.sum(case((KpiEvent.on_time.is_(True), 1), else_=0))
    stmt = select(
        KpiEvent.user_id,
        KpiEvent.kind,
        func.count(),
        on_time,
        func.avg(KpiEvent.hours),
        func.avg(KpiEvent.score),
    ).group_by(KpiEvent.user_id, KpiEvent.kind)
    if date_from:
        stmt = stmt.where(KpiEvent.at >= utc_day_start(date_from))
    if date_to:
        stmt = stmt.where(KpiEvent.at < utc_day_start(date_to + timedelta(days=1)))
    acc: dict[int | None, dict] = {}
    for uid, kind, count, n_on_time, avg_hours, avg_score in session.execute(stmt):
        acc.setdefault(uid, {})[kind] = (int(count), int(n_on_time or 0), avg_hours, avg_score)
    names = dict(
        session.execute(
            select(Employee.user_id, Employee.name).where(
                Employee.user_id.in_([u for u in acc if u is not None])
            )
        ).all()
    )

    def hours(value):
        return None if value is None else round(Decimal(str(value)), 1)

    out = []
    for uid, kinds in acc.items():
        empty = (0, 0, None, None)
        tasks, repairs = kinds.get("task_done", empty), kinds.get("repair_completed", empty)
        claims, sat = kinds.get("claim_closed", empty), kinds.get("satisfaction", empty)
        out.append(
            {
                "user_id": uid,
                "employee": names.get(uid) or (f"#{uid}" if uid else "-"),
                "tasks_done": tasks[0],
                "tasks_on_time": tasks[1],
                "repairs_closed": repairs[0],
                "repairs_avg_hours": hours(repairs[2]),
                "repairs_on_time": repairs[1],
                "claims_closed": claims[0],
                "claims_avg_hours": hours(claims[2]),
                "claims_on_time": claims[1],
                "satisfaction": None if sat[3] is None else round(Decimal(str(sat[3])), 2),
                "satisfaction_count": sat[0],
            }
        )
    return out
