"""Intake, tasks (all / mine) and time logs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.datamodel import AppInterface
from app.formats import ZONE
from app.insights import QuickFilter
from app.rules import Rules
from app.surface import Surface
from app.views import AppModelView, StateMachineViewMixin
from modules.staff import services
from modules.staff.models import (
    AREA_KINDS,
    INTAKE_CHANNELS,
    PRIORITIES,
    TASK_STATES,
    Intake,
    Task,
    TimeLog,
)
from modules.staff.services import work
from modules.staff.web import (
    IntakeQueueFilter,
    MyIntakeFilter,
    MyTasksFilter,
    MyTimeLogsFilter,
)

LABELS = {
    "number": _l("Number"),
    "channel": _l("Channel"),
    "received_at": _l("Received (%(zone)s)", zone=ZONE),
    "from_name": _l("Sender"),
    "partner": _l("Partner"),
    "subject": _l("Subject"),
    "description": _l("Description"),
    "area_kind": _l("Area kind"),
    "area_key": _l("Area"),
    "assignee": _l("Assignee"),
    "responsible": _l("Responsible"),
    "task": _l("Task"),
    "closed": _l("Closed"),
    "title": _l("Title"),
    "due_date": _l("Due"),
    "due": _l("Due"),
    "priority": _l("Priority"),
    "state": _l("State"),
    "ref_type": _l("Linked record type"),
    "ref_id": _l("Linked record id"),
    "created_at": _l("Created"),
    "created_by": _l("Created by"),
    "done_at": _l("Done (%(zone)s)", zone=ZONE),
    "user": _l("Employee"),
    "on": _l("Date"),
    "hours": _l("Hours"),
    "note": _l("Note"),
}


def due_cell(value) -> Markup:
    """`Task.due()` -> the due date, flagged with css class as-overdue when late."""
    day, overdue = value
    if day is None:
        return Markup("")
    if overdue:
        return Markup('<span class="as-overdue label label-danger" title="{}">{}</span>').format(
            str(_l("Overdue")), day.isoformat()
        )
    return escape(day.isoformat())


class TimeLogView(AppModelView):
    datamodel = AppInterface(TimeLog)
    class_permission_name = "TimeLog"
    list_title = _l("Time spent")
    show_title = _l("Time log line")
    add_title = _l("Record time")
    edit_title = _l("Edit time")
    label_columns = LABELS
    list_columns = ["on", "task", "user", "hours", "note"]
    add_columns = edit_columns = show_columns = ["task", "user", "on", "hours", "note"]
    search_columns = ["on", "hours"]
    base_order = ("on", "desc")
    rules: Rules = services.TimeLogRules()


class MyTimeLogView(TimeLogView):
    """My own hours; recorded on tasks I may act on (mine or a colleague's I stand in for)."""

    class_permission_name = "MyTask"
    list_title = _l("My time")
    base_filters = [["user_id", MyTimeLogsFilter, None]]
    add_columns = edit_columns = ["task", "on", "hours", "note"]
    rules = services.MyTimeLogRules()


class _TaskViewBase(StateMachineViewMixin, AppModelView):
    surface = Surface(
        head=("title", "assignee", "responsible", "due_date", "priority"),
        work=("description",),
    )
    datamodel = AppInterface(Task)
    state_machine = services.TASK_MACHINE
    rules: Rules = services.TaskRules()
    label_columns = LABELS
    list_columns = ["number", "title", "assignee", "responsible", "due", "priority", "state"]
    show_columns = [
        "number",
        "title",
        "description",
        "assignee",
        "responsible",
        "created_by",
        "due_date",
        "priority",
        "state",
        "ref_type",
        "ref_id",
        "created_at",
        "done_at",
    ]
    search_columns = ["number", "title", "due_date", "priority", "state", "ref_type", "ref_id"]
    order_columns = ["number", "title", "due_date", "priority", "state", "created_at"]
    base_order = ("due_date", "asc")
    formatters_columns = {"due": due_cell, "priority": PRIORITIES.label, "state": TASK_STATES.label}
    add_form_extra_fields = {"priority": PRIORITIES.select_field(_l("Priority"))}
    edit_form_extra_fields = add_form_extra_fields


class TaskView(_TaskViewBase):
    class_permission_name = "Task"
    base_filters = [["id", QuickFilter, work.QUICK_FILTERS]]
    list_title = _l("Tasks")
    show_title = _l("Task")
    add_title = _l("New task")
    edit_title = _l("Edit task")
    add_columns = edit_columns = [
        "title",
        "description",
        "assignee",
        "responsible",
        "due_date",
        "priority",
        "ref_type",
        "ref_id",
    ]
    related_views = [TimeLogView]
    description_columns = {
        "ref_type": _l("What the task is about, e.g. repair, claim, contract."),
        "ref_id": _l("The number or id of that record."),
    }


class MyTaskView(_TaskViewBase):
    """Everyone: my tasks and those of colleagues I stand in for during their absence."""

    class_permission_name = "MyTask"
    list_title = _l("My tasks")
    show_title = _l("My task")
    add_title = _l("New task for myself")
    edit_title = _l("Edit my task")
    base_filters = [
        ["assignee_id", MyTasksFilter, None],
        ["id", QuickFilter, work.QUICK_FILTERS],
    ]
    add_columns = ["title", "description", "due_date", "priority", "ref_type", "ref_id"]
    edit_columns = ["description"]
    related_views = [MyTimeLogView]
    rules = services.MyTaskRules()


class IntakeView(AppModelView):
    datamodel = AppInterface(Intake)
    class_permission_name = "Intake"
    list_title = _l("Incoming requests")
    show_title = _l("Incoming request")
    add_title = _l("Register an incoming request")
    edit_title = _l("Edit incoming request")
    label_columns = LABELS
    list_columns = [
        "number",
        "received_at",
        "channel",
        "from_name",
        "partner",
        "subject",
        "assignee",
        "closed",
    ]
    add_columns = [
        "channel",
        "from_name",
        "partner",
        "subject",
        "description",
        "area_kind",
        "area_key",
        "assignee",
    ]
    edit_columns = [*add_columns, "closed"]
    show_columns = ["number", "received_at", *add_columns, "responsible", "task", "closed"]
    search_columns = [
        "number",
        "channel",
        "from_name",
        "subject",
        "area_kind",
        "area_key",
        "received_at",
        "closed",
    ]
    base_order = ("received_at", "desc")
    formatters_columns = {"channel": INTAKE_CHANNELS.label, "area_kind": AREA_KINDS.label}
    add_form_extra_fields = {"channel": INTAKE_CHANNELS.select_field(_l("Channel"))}
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "area_kind": _l("Routes the request to who is responsible for this area."),
        "assignee": _l("Leave empty to route by responsibilities."),
    }
    rules: Rules = services.IntakeRules()


class MyIntakeView(IntakeView):
    """Everyone: the requests routed to me (or to whom I stand in for); I close them."""

    class_permission_name = "MyIntake"
    list_title = _l("My requests")
    base_filters = [["assignee_id", MyIntakeFilter, None]]
    edit_columns = ["description", "closed"]
    include_route_methods = {"list", "show", "edit", "transition"}
    rules = services.MyIntakeRules()


class IntakeQueueView(IntakeView):
    """The manager's queue: requests nobody is responsible for yet."""

    class_permission_name = "IntakeQueue"
    list_title = _l("Unrouted requests")
    base_filters = [["assignee_id", IntakeQueueFilter, None]]
