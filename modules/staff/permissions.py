"""Who may do what in staff.

HR keeps people, job descriptions, responsibilities, absences and training; the
service manager distributes tasks and reads everything; the accountant reads and
takes the exports; every user has his own tasks (with those of colleagues he
stands in for), his job description (and signs it) and his training.
"""

from sqlalchemy import or_, select

from app.policy import READ, Rows
from app.security import (
    ACCOUNTANT,
    CLAIMS_OFFICER,
    EVERYONE,
    HR,
    SERVICE_MANAGER,
    VIEWER,
    Grant,
    ModulePermissions,
)
from modules.staff.models import Employee, Intake, Task, TimeLog, TrainingRecord

_READ_ALL = (SERVICE_MANAGER, ACCOUNTANT)


def _mine(*columns):
    """Rows where one of `columns` (user ids) is the actor or a colleague he stands in for."""
    return lambda actor: or_(*(c.in_(actor.acting_for) for c in columns))


PERMISSIONS = ModulePermissions(
    grants=(
        Grant(
            "Position",
            read=(*_READ_ALL, VIEWER),
            write=(HR,),
            why="positions and departments are HR's",
        ),
        Grant(
            "Employee",
            read=(*_READ_ALL, VIEWER),
            write=(HR,),
            why="the staff register is HR's; logins and roles stay with Admin",
        ),
        Grant(
            "JobDescription",
            read=(*_READ_ALL, VIEWER),
            write=(HR,),
            why="HR writes and versions job descriptions",
        ),
        Grant(
            "Acknowledgement",
            read=(*_READ_ALL, HR),
            extra={"can_acknowledge": EVERYONE},
            why="everyone signs his own job description as read",
        ),
        Grant(
            "Responsibility",
            read=_READ_ALL,
            write=(HR,),
            why="who answers for which area (routing of work and notices)",
        ),
        Grant(
            "Absence",
            read=_READ_ALL,
            write=(HR,),
            why="HR records absences and designates deputies (never the deputy himself); "
            "a deputy holds only business rights",
        ),
        Grant(
            "Intake",
            read=(ACCOUNTANT, HR),
            write=(SERVICE_MANAGER, CLAIMS_OFFICER),
            why="incoming requests, routed to the responsible person",
        ),
        Grant("IntakeQueue", write=(SERVICE_MANAGER,), why="requests nobody was found for"),
        Grant(
            "MyIntake",
            write=EVERYONE,
            why="everyone handles the requests routed to him (or whom he stands in for)",
        ),
        Grant(
            "Task",
            read=(ACCOUNTANT, HR),
            write=(SERVICE_MANAGER,),
            why="the manager distributes tasks",
        ),
        Grant(
            "TimeLog",
            read=(ACCOUNTANT, HR),
            write=(SERVICE_MANAGER,),
            why="hours spent on tasks",
        ),
        Grant(
            "MyTask",
            write=EVERYONE,
            why="everyone works his own tasks (and those of whom he stands in for)",
        ),
        Grant("MyJobDescription", read=EVERYONE, why="everyone reads his own job description"),
        Grant("MyTraining", read=EVERYONE, why="everyone reads his own training"),
        Grant(
            "TrainingProgram",
            read=(*_READ_ALL, VIEWER),
            write=(HR,),
            why="HR plans training",
        ),
        Grant(
            "TrainingSession",
            read=(*_READ_ALL, VIEWER),
            write=(HR,),
            why="training sessions held",
        ),
        Grant(
            "TrainingRecord",
            read=_READ_ALL,
            write=(HR,),
            why="who attended and passed",
        ),
        Grant(
            "StaffReport",
            read=(*_READ_ALL, HR),
            why="staff KPIs and training compliance",
        ),
    ),
    rows=(
        Rows(
            Task,
            _mine(Task.assignee_id, Task.responsible_id),
            see_all=(READ, "Task"),
            why="a user sees the tasks he is assigned or answers for (or his absent colleague's)",
        ),
        Rows(
            Intake,
            _mine(Intake.assignee_id, Intake.responsible_id),
            see_all=(READ, "Intake"),
            why="a user sees the requests routed to him (or to his absent colleague)",
        ),
        Rows(
            TimeLog,
            lambda actor: TimeLog.user_id == actor.user_id,
            see_all=(READ, "TimeLog"),
            why="a user sees the hours he logged",
        ),
        Rows(
            TrainingRecord,
            lambda actor: TrainingRecord.employee_id.in_(
                select(Employee.id).where(Employee.user_id == actor.user_id)
            ),
            see_all=(READ, "TrainingRecord"),
            why="a user sees his own training records",
        ),
    ),
)
