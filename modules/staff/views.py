"""Staff screens and menu (thin: rules are in services/, reports in reports.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry import MenuEntry
from app.security import CLAIMS_OFFICER, HR, SERVICE_MANAGER, VIEWER
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
    MenuEntry(MyTaskView, "My tasks", _l("My tasks"), icon="fa-list-check", group="me"),
    MenuEntry(
        MyJobDescriptionView,
        "My job description",
        _l("My job description"),
        icon="fa-file-signature",
        group="me",
    ),
    MenuEntry(
        MyTrainingView, "My training", _l("My training"), icon="fa-graduation-cap", group="me"
    ),
    MenuEntry(TaskView, "Tasks", _l("Tasks"), icon="fa-tasks", roles=(SERVICE_MANAGER, HR)),
    MenuEntry(MyIntakeView, "My requests", _l("My requests"), icon="fa-envelope-open", group="me"),
    MenuEntry(
        IntakeView,
        "Incoming requests",
        _l("Incoming requests"),
        icon="fa-inbox",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, HR),
    ),
    MenuEntry(IntakeQueueView, "Unrouted requests", _l("Unrouted requests"), icon="fa-inbox"),
    MenuEntry(
        EmployeeView,
        "Employees",
        _l("Employees"),
        icon="fa-user-tie",
        roles=(SERVICE_MANAGER, HR, VIEWER),
    ),
    MenuEntry(PositionView, "Positions", _l("Positions"), icon="fa-sitemap", group="settings"),
    MenuEntry(
        JobDescriptionView,
        "Job descriptions",
        _l("Job descriptions"),
        icon="fa-file-lines",
        roles=(SERVICE_MANAGER, HR, VIEWER),
    ),
    MenuEntry(
        AcknowledgementView,
        "Acknowledgements",
        _l("Acknowledgements"),
        icon="fa-signature",
        roles=(HR,),
    ),
    MenuEntry(
        ResponsibilityView,
        "Responsibilities",
        _l("Responsibilities"),
        icon="fa-map-signs",
        roles=(SERVICE_MANAGER, HR),
    ),
    MenuEntry(
        AbsenceView,
        "Absences",
        _l("Absences and deputies"),
        icon="fa-plane",
        roles=(SERVICE_MANAGER, HR),
    ),
    MenuEntry(
        TrainingProgramView,
        "Training programs",
        _l("Training programs"),
        icon="fa-book",
        roles=(SERVICE_MANAGER, HR, VIEWER),
    ),
    MenuEntry(
        TrainingSessionView,
        "Training sessions",
        _l("Training sessions"),
        icon="fa-chalkboard-teacher",
        roles=(SERVICE_MANAGER, HR, VIEWER),
    ),
    MenuEntry(
        TrainingRecordView,
        "Training records",
        _l("Training records"),
        icon="fa-certificate",
        roles=(HR,),
    ),
    MenuEntry(
        TimeLogView, "Time spent", _l("Time spent"), icon="fa-clock", roles=(SERVICE_MANAGER, HR)
    ),
    MenuEntry(
        StaffReportsView,
        "Staff KPIs",
        _l("Staff KPIs"),
        icon="fa-chart-line",
        href="/staffreports/kpi",
        group="reports",
        roles=(SERVICE_MANAGER, HR),
    ),
    MenuEntry(
        StaffReportsView,
        "Unsigned job descriptions",
        _l("Unsigned job descriptions"),
        icon="fa-file-circle-exclamation",
        href="/staffreports/unsigned",
        group="reports",
        roles=(HR,),
    ),
    MenuEntry(
        StaffReportsView,
        "Training compliance",
        _l("Training compliance"),
        icon="fa-clipboard-check",
        href="/staffreports/compliance",
        group="reports",
        roles=(SERVICE_MANAGER, HR),
    ),
    MenuEntry(
        StaffReportsView,
        "Training plan",
        _l("Training plan (next quarter)"),
        icon="fa-calendar-alt",
        href="/staffreports/plan",
        group="reports",
        roles=(HR,),
    ),
]

VIEWS = [MyTimeLogView]
