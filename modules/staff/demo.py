"""Demo staff: an employee per demo user, a job description, responsibilities,
an absence with a deputy, tasks, intake and training. Safe to run again."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.ops import progress
from modules.staff import services
from modules.staff.models import (
    Absence,
    Employee,
    Intake,
    JobDescription,
    Position,
    Responsibility,
    Task,
    TrainingProgram,
    TrainingRecord,
    TrainingSession,
)

POSITIONS = {
    "admin": ("ADM", "Administrator", "IT"),
    "manager": ("SM", "Service manager", "Service"),
    "technician": ("TECH", "Service technician", "Service"),
    "clerk": ("WH", "Warehouse clerk", "Warehouse"),
    "claims": ("CLM", "Claims officer", "Service"),
    "hr": ("HR", "HR specialist", "HR"),
    "accountant": ("ACC", "Accountant", "Finance"),
    "viewer": ("AN", "Analyst", "Service"),
}
NAMES = {
    "admin": "Pedro Costa",
    "manager": "Olga Ivanova",
    "technician": "Ivan Petrov",
    "clerk": "João Silva",
    "claims": "Anna Smirnova",
    "hr": "Maria Santos",
    "accountant": "Dmitry Kuznetsov",
    "viewer": "Lucas Oliveira",
}


def _position(session: Session, username: str) -> Position:
    code, name, dept = POSITIONS[username]
    pos = session.scalar(select(Position).where(Position.code == f"DEMO-{code}"))
    if pos is None:
        pos = Position(code=f"DEMO-{code}", name=name, department=dept, active=True)
        session.add(pos)
        session.flush()
    return pos


SIZES = {"small": 0, "medium": 40, "large": 400}  # technicians beside the demo users
FIRST = ["Ivan", "Olga", "Sergey", "Anna", "João", "Maria", "Pedro", "Ana", "Dmitry", "Lucas"]
LAST = ["Petrov", "Ivanova", "Smirnov", "Silva", "Santos", "Oliveira", "Kuznetsov", "Costa"]


def load(session: Session, size: str) -> None:
    """An employee per demo user and the records around them (once); medium and large
    add technicians without a login up to that size (also to an existing small demo)."""
    employees: dict[str, Employee] = {}
    for username in POSITIONS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            continue
        emp = session.scalar(select(Employee).where(Employee.personnel_no == f"DEMO-{username}"))
        if emp is None:
            emp = session.scalar(select(Employee).where(Employee.user_id == user.id))
        if emp is None:
            pos = _position(session, username)
            emp = Employee(
                personnel_no=f"DEMO-{username}",
                name=NAMES[username],
                user=user,
                position=pos,
                department=pos.department,
                active=True,
                hire_date=date(2022, 1, 10),
                email=user.email,
            )
            session.add(emp)
            session.flush()
        employees[username] = emp
    manager = employees.get("manager")
    for emp in employees.values():
        if manager is not None and emp is not manager and emp.manager_id is None:
            emp.manager = manager
    _technicians(session, SIZES.get(size, 0), manager)
    if session.scalar(select(JobDescription.id).where(JobDescription.title.like("DEMO %"))):
        return  # the rest was loaded before
    today = date.today()
    tech_pos = _position(session, "technician")
    jd = JobDescription(
        position=tech_pos,
        title="DEMO Service technician",
        reports_to="Service manager",
        appointed_by="General director, on the proposal of the service manager",
        qualification="Secondary vocational education in electrical engineering",
        experience="At least one year of repair work",
        must_know="Products and their repair manuals; safety rules; the warranty policy",
        duties="Diagnose and repair products under warranty and for payment.\n"
        "Record the work done and the parts used in the repair order.",
        rights="Ask the warehouse for parts; refuse unsafe work.",
        responsibilities="For the quality and terms of the repairs.",
        working_conditions="Five-day week, 8 hours; workshop and visits to customers.",
    )
    services.prepare_job_description(session, jd)
    session.add(jd)
    session.flush()
    services.publish_job_description(session, jd, "demo")
    for username, kind, key in (
        ("technician", "warranty", "*"),
        ("technician", "repair", "*"),
        ("claims", "claims", "*"),
        ("clerk", "warehouse", "MAIN"),
        ("manager", "intake", "*"),
    ):
        if username in employees:
            session.add(
                Responsibility(
                    employee=employees[username],
                    kind=kind,
                    key=key,
                    date_from=date(today.year, 1, 1),
                )
            )
    if "technician" in employees and "manager" in employees:
        session.add(
            Absence(
                employee=employees["technician"],
                kind="vacation",
                date_from=today + timedelta(days=14),
                date_to=today + timedelta(days=27),
                deputy=employees["manager"],
                note="Summer vacation",
            )
        )
    for n, (username, title, due, prio) in enumerate(
        (
            ("technician", "Check the returned pump", -2, "high"),
            ("technician", "Update repair manual notes", 5, "normal"),
            ("claims", "Answer the claim of Mr Silva", 1, "urgent"),
            ("clerk", "Count the spare parts shelf B", 7, "low"),
            ("technician", "Replace the demo unit's filter", -5, "normal"),
            ("claims", "Call the dealer about the late parts", -3, "high"),
        )
    ):
        user_id = employees[username].user_id if username in employees else None
        task = Task(
            title=title,
            assignee_id=user_id,
            priority=prio,
            responsible_id=manager.user_id if manager else None,
            due_date=today + timedelta(days=due),
            ref_type="demo" if n == 0 else None,
            ref_id="1" if n == 0 else None,
        )
        services.create_task(session, task)
        if due < -2:  # done already: the KPI page has something to show
            services.transition_task(session, task, "complete")
    session.add(
        Intake(
            channel="call",
            from_name="Maria Souza",
            subject="Washing machine leaks",
            area_kind="warranty",
        )
    )
    session.add(
        Intake(channel="email", from_name="Tekhno Servis LLC", subject="Price list for spare parts")
    )
    session.flush()
    for intake in session.scalars(select(Intake).where(Intake.number.is_(None))):
        services.register_intake(session, intake, today)
    program = TrainingProgram(
        code="DEMO-SAFE",
        topic="Electrical safety",
        hours=Decimal("8"),
        validity_months=12,
        certificate=True,
        active=True,
        mandatory_for=[tech_pos],
    )
    session.add(program)
    ts = TrainingSession(
        program=program,
        title="Electrical safety, spring",
        date_from=today - timedelta(days=60),
        trainer="Safety Ltd.",
    )
    session.add(ts)
    session.add(
        TrainingSession(
            program=program,
            title="Electrical safety, next quarter",
            date_from=today + timedelta(days=100),
        )
    )
    if "technician" in employees:
        rec = TrainingRecord(
            session=ts, employee=employees["technician"], result="passed", certificate_no="ES-0001"
        )
        services.check_record(session, rec)
        session.add(rec)
    session.flush()


def _technicians(session: Session, total: int, manager: Employee | None) -> None:
    have = session.scalar(
        select(func.count()).select_from(Employee).where(Employee.personnel_no.like("DEMO-TECH-%"))
    )
    if (have or 0) >= total:
        return
    pos = _position(session, "technician")
    with progress(total - (have or 0), "employees") as bar:
        for n in range(have or 0, total):
            session.add(
                Employee(
                    personnel_no=f"DEMO-TECH-{n + 1:04d}",
                    name=f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]}",
                    position=pos,
                    department=pos.department,
                    manager=manager,
                    active=True,
                    hire_date=date(2020, 1, 13) + timedelta(days=(5 * n) % 1800),
                )
            )
            bar.update(1)
    session.flush()
