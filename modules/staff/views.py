"""Staff screens and menu (thin: rules are in services/, reports in reports.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry import MenuEntry
from modules.staff.views_people import (
    AbsenceView,
    AcknowledgementView,
    EmployeeView,
    JobDescriptionView,
    MyJobDescriptionView,
    PositionView,
    ResponsibilityView,
)
from modules.staff.views_training import (
    MyTrainingView,
    StaffReportsView,
    TrainingProgramView,
    TrainingRecordView,
    TrainingSessionView,
)
from modules.staff.views_work import (
    IntakeQueueView,
    IntakeView,
    MyIntakeView,
    MyTaskView,
    MyTimeLogView,
    TaskView,
    TimeLogView,
)

MENU = [
    MenuEntry(MyTaskView, "My tasks", _l("My tasks"), icon="fa-list-check"),
    MenuEntry(
        MyJobDescriptionView,
        "My job description",
        _l("My job description"),
        icon="fa-file-signature",
    ),
    MenuEntry(MyTrainingView, "My training", _l("My training"), icon="fa-graduation-cap"),
    MenuEntry(TaskView, "Tasks", _l("Tasks"), icon="fa-tasks"),
    MenuEntry(MyIntakeView, "My requests", _l("My requests"), icon="fa-envelope-open"),
    MenuEntry(IntakeView, "Incoming requests", _l("Incoming requests"), icon="fa-inbox"),
    MenuEntry(IntakeQueueView, "Unrouted requests", _l("Unrouted requests"), icon="fa-inbox"),
    MenuEntry(EmployeeView, "Employees", _l("Employees"), icon="fa-user-tie"),
    MenuEntry(PositionView, "Positions", _l("Positions"), icon="fa-sitemap"),
    MenuEntry(JobDescriptionView, "Job descriptions", _l("Job descriptions"), icon="fa-file-lines"),
    MenuEntry(AcknowledgementView, "Acknowledgements", _l("Acknowledgements"), icon="fa-signature"),
    MenuEntry(ResponsibilityView, "Responsibilities", _l("Responsibilities"), icon="fa-map-signs"),
    MenuEntry(AbsenceView, "Absences", _l("Absences and deputies"), icon="fa-plane"),
    MenuEntry(TrainingProgramView, "Training programs", _l("Training programs"), icon="fa-book"),
    MenuEntry(
        TrainingSessionView,
        "Training sessions",
        _l("Training sessions"),
        icon="fa-chalkboard-teacher",
    ),
    MenuEntry(
        TrainingRecordView, "Training records", _l("Training records"), icon="fa-certificate"
    ),
    MenuEntry(TimeLogView, "Time spent", _l("Time spent"), icon="fa-clock"),
    MenuEntry(
        StaffReportsView,
        "Staff KPIs",
        _l("Staff KPIs"),
        icon="fa-chart-line",
        href="/staffreports/kpi",
    ),
    MenuEntry(
        StaffReportsView,
        "Unsigned job descriptions",
        _l("Unsigned job descriptions"),
        icon="fa-file-circle-exclamation",
        href="/staffreports/unsigned",
    ),
    MenuEntry(
        StaffReportsView,
        "Training compliance",
        _l("Training compliance"),
        icon="fa-clipboard-check",
        href="/staffreports/compliance",
    ),
    MenuEntry(
        StaffReportsView,
        "Training plan",
        _l("Training plan (next quarter)"),
        icon="fa-calendar-alt",
        href="/staffreports/plan",
    ),
]

VIEWS = [MyTimeLogView]
