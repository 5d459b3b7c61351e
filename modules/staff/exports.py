"""Staff CSV exports: training records, and hours worked on tasks for payroll."""

from flask_babel import lazy_gettext as _l

from app.csvio import Column, CsvExport
from modules.staff.models import (
    Employee,
    Task,
    TimeLog,
    TrainingProgram,
    TrainingRecord,
    TrainingSession,
)

R = TrainingRecord.__table__.c
S = TrainingSession.__table__.c
P = TrainingProgram.__table__.c
E = Employee.__table__.c
T = Task.__table__.c
L = TimeLog.__table__.c
E2 = Employee.__table__.alias("log_employee")

EXPORTS = [
    CsvExport(
        name="training_records",
        title=_l("Training records"),
        resource="TrainingRecord",
        description=_l("Every participant of a training session with result and certificate."),
        columns=(
            Column("id", R.id, _l("Internal id")),
            Column("employee_id", R.employee_id, _l("Employee id")),
            Column("personnel_no", E.personnel_no, _l("Personnel number")),
            Column("employee", E.name, _l("Employee name")),
            Column("program", P.topic, _l("Training program")),
            Column("program_hours", P.hours, _l("Hours of the program"), label=_l("Program hours")),
            Column("session_date", S.date_from, _l("Session start date"), label=_l("Session date")),
            Column("result", R.result, _l("enrolled, passed, failed or absent")),
            Column("score", R.score, _l("Score 0-100")),
            Column("completed_on", R.completed_on, _l("Completion date")),
            Column("certificate_no", R.certificate_no, _l("Certificate number")),
            Column("expires_on", R.expires_on, _l("Certificate expiry date")),
        ),
        select_from=TrainingRecord.__table__,
        joins=(
            (TrainingSession.__table__, S.id == R.session_id),
            (TrainingProgram.__table__, P.id == S.program_id),
            (Employee.__table__, E.id == R.employee_id),
        ),
        date_column=S.date_from,
        order_by=(S.date_from, R.id),
    ),
    CsvExport(
        name="task_hours",
        title=_l("Hours worked on tasks (payroll)"),
        resource="TimeLog",
        description=_l("One line per time log entry in a period: who, when, which task, hours."),
        columns=(
            Column("id", L.id, _l("Internal id")),
            Column("date", L.on, _l("Date worked")),
            Column("user_id", L.user_id, _l("Login user id")),
            Column("personnel_no", E2.c.personnel_no, _l("Personnel number")),
            Column("employee", E2.c.name, _l("Employee name")),
            Column("task", T.number, _l("Task number")),
            Column("task_title", T.title, _l("Task title")),
            Column("hours", L.hours, _l("Hours")),
            Column("note", L.note, _l("Note")),
        ),
        select_from=TimeLog.__table__,
        joins=(
            (Task.__table__, T.id == L.task_id),
            (E2, E2.c.user_id == L.user_id),
        ),
        date_column=L.on,
        order_by=(L.on, L.id),
    ),
]
