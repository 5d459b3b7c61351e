"""Every staff rule holds the same at the screen and at the API (tests/both_doors.py):
positions, employees, responsibilities, absences, job descriptions, incoming
requests, tasks (all and mine), time logs (all and mine) and training."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from modules.staff import services
from modules.staff.models import (
    Absence,
    Employee,
    Intake,
    JobDescription,
    Position,
    Responsibility,
    Task,
    TimeLog,
    TrainingProgram,
    TrainingRecord,
    TrainingSession,
)
from tests.both_doors import Case, Door, check_both_doors
from tests.staff.helpers import user_id

TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def world(s) -> None:
    """The same rows before each door, with the same ids (the tables are emptied and
    their keys start again between doors):

    positions 1 Technician, 2 Office; employees 1 Technician Person (technician),
    2 Claims Person (claims officer, reports to 1), 3 HR Person (HR), 4 Former (left);
    the technician answers for warranty; Claims Person is away on days +20..+25;
    programs 1 Electrical safety (certificate, 12 months), 2 First aid; sessions
    1 (a month ago) and 2 (in a month) of program 1; tasks 1 the technician's,
    2 the claims officer's, 3 the technician's but cancelled (the manager's, all)."""
    tech_pos, office = Position(name="Technician"), Position(name="Office")
    s.add_all([tech_pos, office])
    s.flush()
    tech = Employee(name="Technician Person", user_id=user_id(s, "Technician"), position=tech_pos)
    s.add(tech)
    s.flush()
    claims = Employee(
        name="Claims Person", user_id=user_id(s, "Claims Officer"), position=office, manager=tech
    )
    s.add(claims)
    s.flush()
    s.add(Employee(name="HR Person", user_id=user_id(s, "HR"), position=office))
    s.flush()
    s.add(Employee(name="Former", position=office, active=False))
    s.flush()
    s.add(Responsibility(employee=tech, kind="warranty", key="*", date_from=TODAY))
    s.add(
        Absence(
            employee=claims,
            kind="vacation",
            date_from=TODAY + timedelta(days=20),
            date_to=TODAY + timedelta(days=25),
        )
    )
    safety = TrainingProgram(topic="Electrical safety", validity_months=12, certificate=True)
    s.add(safety)
    s.flush()
    s.add(TrainingProgram(topic="First aid"))
    s.flush()
    s.add(TrainingSession(program=safety, title="Past", date_from=TODAY - timedelta(days=30)))
    s.flush()
    s.add(TrainingSession(program=safety, title="Next", date_from=TODAY + timedelta(days=30)))
    s.flush()
    manager = user_id(s, "Service Manager")
    for who in ("Technician", "Claims Officer", "Technician"):
        services.create_task(s, Task(title="Work", assignee_id=user_id(s, who)), manager)
        s.flush()
    services.transition_task(s, s.get(Task, 3), "cancel", "not needed")


@pytest.fixture
def doors(app, run, clean):
    """doors(door, cases, role): each case through both doors, on the world's rows."""
    run(world)

    def _check(door: Door, cases: list[Case], role: str) -> None:
        check_both_doors(app, run, lambda: (clean(), run(world)), door, cases, role)

    return _check


def test_position_rules_hold_at_both_doors(doors):
    new = {"name": "Warehouse clerk", "code": "WH", "department": "Warehouse", "active": True}
    doors(
        Door("/positionview", "/api/v1/position/", Position),
        [
            Case("a position", new, True),
            Case("blank name", {**new, "name": "   "}, False),
            Case("renamed blank", {"name": "  "}, False, edit=True, prepare=lambda s: 2),
            Case("renamed", {"name": " Back office "}, True, edit=True, prepare=lambda s: 2),
        ],
        role="HR",
    )


def test_employee_rules_hold_at_both_doors(doors):
    new = {"name": " Ann Lee ", "position": 1, "hire_date": "2025-01-01", "active": True}
    doors(
        Door("/employeeview", "/api/v1/employee/", Employee),
        [
            Case("an employee", new, True),
            Case("blank name", {**new, "name": "  "}, False),
            Case("bad e-mail", {**new, "email": "ann-at-example"}, False),
            Case("his own manager", {"manager": 1}, False, edit=True, prepare=lambda s: 1),
            Case("a manager cycle", {"manager": 2}, False, edit=True, prepare=lambda s: 1),
            Case("a new manager", {"manager": 3}, True, edit=True, prepare=lambda s: 1),
        ],
        role="HR",
    )


def test_responsibility_rules_hold_at_both_doors(doors):
    new = {"employee": 2, "kind": " Claims ", "key": "", "date_from": day(0)}
    doors(
        Door("/responsibilityview", "/api/v1/responsibility/", Responsibility),
        [
            Case("claims, all of them", new, True),  # kind lowercased, key "*"
            Case("no kind", {**new, "kind": " "}, False),
            Case("ends before it starts", {**new, "date_to": day(-1)}, False),
        ],
        role="HR",
    )


def _later(s) -> int:
    """Claims Person's second absence, on days +30..+32."""
    a = Absence(employee_id=2, kind="other", date_from=TODAY + timedelta(days=30))
    a.date_to = TODAY + timedelta(days=32)
    s.add(a)
    s.flush()
    return a.id


def test_absence_rules_hold_at_both_doors(doors):
    new = {"employee": 1, "deputy": 2, "kind": "vacation", "date_from": day(10), "date_to": day(12)}
    doors(
        Door("/absenceview", "/api/v1/absence/", Absence),
        [
            Case("a vacation with a deputy", new, True),
            Case("unknown kind", {**new, "kind": "holiday"}, False),
            Case("his own deputy", {**new, "deputy": 1}, False),
            Case("HR names herself", {**new, "deputy": 3}, False),
            Case("a deputy who left", {**new, "deputy": 4}, False),
            Case("ends before it starts", {**new, "date_to": day(9)}, False),
            Case(
                "overlaps another", {**new, "employee": 2, "deputy": 1, "date_to": day(21)}, False
            ),
            Case("moved onto another", {"date_from": day(24)}, False, edit=True, prepare=_later),
        ],
        role="HR",
    )


def _draft(s) -> int:
    jd = JobDescription(position_id=1, title="Technician")
    services.prepare_job_description(s, jd)
    s.add(jd)
    s.flush()
    return jd.id


def _published(s) -> int:
    jd = s.get(JobDescription, _draft(s))
    services.publish_job_description(s, jd, "hr")
    return jd.id


def test_job_description_rules_hold_at_both_doors(doors):
    new = {"position": 1, "title": " Service technician ", "duties": "Repair products."}
    doors(
        Door(
            "/jobdescriptionview",
            "/api/v1/job_description/",
            JobDescription,
            ignore=("published_at",),
        ),
        [
            Case("a first version", new, True),
            Case("no title", {**new, "title": "  "}, False),
            Case("a draft changed", {"duties": "Repair."}, True, edit=True, prepare=_draft),
            Case("published changed", {"duties": "X"}, False, edit=True, prepare=_published),
            Case("a draft deleted", {}, True, delete=True, prepare=_draft),
            Case("published deleted", {}, False, delete=True, prepare=_published),
        ],
        role="HR",
    )


def _intake(s) -> int:
    intake = Intake(channel="call", from_name="Maria", subject="Leaks", area_kind="warranty")
    s.add(intake)
    services.register_intake(s, intake, TODAY)
    s.flush()
    return intake.id


def test_intake_rules_hold_at_both_doors(doors):
    new = {"channel": "call", "from_name": "Maria", "subject": "Leaks", "area_kind": "warranty"}
    doors(
        Door("/intakeview", "/api/v1/intake/", Intake, ignore=("received_at",)),
        [
            Case("routed to the technician", new, True),
            Case("unknown channel", {**new, "channel": "fax"}, False),
            Case("no subject", {**new, "subject": "  "}, False),
            Case("no sender any more", {"from_name": " "}, False, edit=True, prepare=_intake),
            Case("closed", {"closed": True}, True, edit=True, prepare=_intake),
            Case("deleted", {}, False, delete=True, prepare=_intake),
        ],
        role="Service Manager",
    )


def test_task_rules_hold_at_both_doors(doors, run):
    tech = run(lambda s: user_id(s, "Technician"))
    new = {
        "title": "Call back",
        "assignee": tech,
        "priority": "high",
        "due_date": day(3),
        "ref_type": "repair",
        "ref_id": "RO-1",
    }
    door = Door("/taskview", "/api/v1/task/", Task, ignore=("created_at", "done_at"))
    doors(
        door,
        [
            Case("a task", new, True),
            Case("no title", {**new, "title": " "}, False),
            Case("half a link", {**new, "ref_id": ""}, False),
            Case("unknown priority", {**new, "priority": "asap"}, False),
            Case("deleted", {}, False, delete=True, prepare=lambda s: 1),
            Case("completed", {}, True, action="complete", prepare=lambda s: 1),
            Case("cancelled without a word", {}, False, action="cancel", prepare=lambda s: 1),
            Case("cancelled", {"comment": "moved"}, True, action="cancel", prepare=lambda s: 1),
            Case("reopened while open", {}, False, action="reopen", prepare=lambda s: 1),
            Case("reopened", {}, True, action="reopen", prepare=lambda s: 3),
        ],
        role="Service Manager",
    )


def test_my_task_rules_hold_at_both_doors(doors):
    doors(
        Door("/mytaskview", "/api/v1/my_task/", Task, ignore=("created_at", "done_at")),
        [
            Case("a task for myself", {"title": "Clean the bench", "priority": "low"}, True),
            Case("no title", {"title": "  "}, False),
            Case("started", {}, True, action="start", prepare=lambda s: 1),
            Case(
                "the manager's cancelled",
                {"comment": "no"},
                False,
                action="cancel",
                prepare=lambda s: 1,
            ),
            Case("someone else's", {}, False, action="start", prepare=lambda s: 2),
        ],
        role="Technician",
    )


def test_time_log_rules_hold_at_both_doors(doors, run):
    tech = run(lambda s: user_id(s, "Technician"))
    new = {"task": 1, "user": tech, "on": day(-1), "hours": "2.5", "note": "Diagnosis"}
    doors(
        Door("/timelogview", "/api/v1/time_log/", TimeLog),
        [
            Case("hours on a task", new, True),
            Case("no hours", {**new, "hours": "0"}, False),
            Case("more than a day", {**new, "hours": "24.5"}, False),
            Case("a future day", {**new, "on": day(1)}, False),
            Case("a cancelled task", {**new, "task": 3}, False),
        ],
        role="Service Manager",
    )


def test_my_time_rules_hold_at_both_doors(doors):
    """My hours: the screen's form names the task, the API's path does."""
    mine, others = {"task": "1"}, {"task": "2"}
    body = {"on": day(0), "hours": "1.25", "note": "Parts ordered"}
    task_1 = Door("/mytimelogview", "/api/v1/my_task/1/time_log", TimeLog)
    doors(
        task_1,
        [
            Case("my hours", body, True, extra_form=mine),
            Case("too many", {**body, "hours": "25"}, False, extra_form=mine),
            Case("tomorrow", {**body, "on": day(1)}, False, extra_form=mine),
        ],
        role="Technician",
    )
    doors(
        Door("/mytimelogview", "/api/v1/my_task/2/time_log", TimeLog),
        [Case("a colleague's task", body, False, extra_form=others)],
        role="Technician",
    )


def test_training_program_rules_hold_at_both_doors(doors):
    new = {"topic": " Soldering ", "hours": "6", "validity_months": 24, "certificate": True}
    doors(
        Door("/trainingprogramview", "/api/v1/training_program/", TrainingProgram),
        [
            Case("a program", new, True),
            Case("no topic", {**new, "topic": "  "}, False),
            Case("negative hours", {**new, "hours": "-1"}, False),
            Case("valid for no months", {**new, "validity_months": 0}, False),
        ],
        role="HR",
    )


def _held_with_a_pass(s) -> int:
    s.add(TrainingRecord(session_id=1, employee_id=1, result="passed", certificate_no="ES-1"))
    s.flush()
    return 1


def test_training_session_rules_hold_at_both_doors(doors):
    new = {"program": 2, "title": "Spring", "date_from": day(-5), "date_to": day(-4)}
    doors(
        Door("/trainingsessionview", "/api/v1/training_session/", TrainingSession),
        [
            Case("a session", new, True),
            Case("ends before it starts", {**new, "date_to": day(-6)}, False),
            Case(
                "put off, none passed yet",
                {"date_from": day(7)},
                True,
                edit=True,
                prepare=lambda s: 1,
            ),
            Case(
                "put off after a pass",
                {"date_from": day(7)},
                False,
                edit=True,
                prepare=_held_with_a_pass,
            ),
        ],
        role="HR",
    )


def test_training_record_rules_hold_at_both_doors(doors):
    """A result is recorded once the session has taken place: before it, a participant
    is only enrolled (a pass recorded for a session in a month was accepted)."""
    passed = {"session": 1, "employee": 1, "result": "passed", "certificate_no": "ES-1"}
    doors(
        Door("/trainingrecordview", "/api/v1/training_record/", TrainingRecord),
        [
            Case("passed a month ago", {**passed, "score": 90}, True),
            Case("passed a session not yet held", {**passed, "session": 2}, False),
            Case(
                "failed a session not yet held",
                {"session": 2, "employee": 1, "result": "failed"},
                False,
            ),
            Case(
                "absent from a session not yet held",
                {"session": 2, "employee": 1, "result": "absent"},
                False,
            ),
            Case(
                "enrolled in the next session",
                {"session": 2, "employee": 1, "result": "enrolled"},
                True,
            ),
            Case("completed tomorrow", {**passed, "completed_on": day(1)}, False),
            Case("completed before the session", {**passed, "completed_on": day(-31)}, False),
            Case("no certificate number", {**passed, "certificate_no": ""}, False),
            Case("a score of 101", {**passed, "score": 101}, False),
            Case("failed with a certificate", {**passed, "result": "failed"}, False),
            Case(
                "moved to the next session",
                {"session": 2},
                False,
                edit=True,
                prepare=_held_with_a_pass,
            ),
        ],
        role="HR",
    )
