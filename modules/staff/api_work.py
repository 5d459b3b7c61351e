"""REST resources: intake, tasks (with transitions), my tasks, time logs."""

from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from marshmallow import validate

from app import policy
from app.api import AppRestApi, StateMachineApiMixin
from app.datamodel import AppInterface
from app.rules import Rules
from app.security import API_METHOD_PERMISSIONS
from app.web import load_body
from modules.staff import services
from modules.staff.models import (
    INTAKE_CHANNELS,
    PRIORITIES,
    Intake,
    Task,
    TimeLog,
)
from modules.staff.schemas import TimeLogBody
from modules.staff.web import MyTasksFilter

_NAME = validate.Length(min=1, max=200)


class IntakeApi(AppRestApi):
    resource_name = "intake"
    class_permission_name = "Intake"
    datamodel = AppInterface(Intake)
    _fields = ["channel", "from_name", "subject", "description", "area_kind", "area_key"]
    list_columns = show_columns = [
        "id",
        "number",
        "received_at",
        *_fields,
        "partner.id",
        "partner.name",
        "assignee.id",
        "assignee.username",
        "responsible.id",
        "closed",
    ]
    add_columns = [*_fields, "partner", "assignee"]
    edit_columns = [*add_columns, "closed"]
    search_columns = [
        "channel",
        "from_name",
        "subject",
        "area_kind",
        "area_key",
        "assignee",
        "closed",
        "received_at",
    ]
    order_columns = ["id", "received_at", "number"]
    validators_columns = {
        "channel": INTAKE_CHANNELS.validator(),
        "from_name": _NAME,
        "subject": _NAME,
    }
    rules = services.IntakeRules()


_TASK_FIELDS = ["title", "description", "due_date", "priority", "ref_type", "ref_id"]
_TASK_LIST = [
    "id",
    "number",
    "title",
    "state",
    "priority",
    "due_date",
    "overdue",
    "assignee.id",
    "assignee.username",
    "responsible.id",
    "responsible.username",
    "ref_type",
    "ref_id",
    "created_at",
    "done_at",
]


class _TaskApiBase(StateMachineApiMixin, AppRestApi):
    datamodel = AppInterface(Task)
    state_machine = services.TASK_MACHINE
    rules: Rules = services.TaskRules()
    list_columns = _TASK_LIST
    show_columns = [*_TASK_LIST, "description", "created_by.id"]
    search_columns = [
        "state",
        "priority",
        "due_date",
        "assignee",
        "responsible",
        "ref_type",
        "ref_id",
        "number",
        "title",
    ]
    order_columns = ["id", "number", "due_date", "priority", "state", "created_at"]
    validators_columns = {"title": _NAME, "priority": PRIORITIES.validator()}


class TaskApi(_TaskApiBase):
    resource_name = "task"
    class_permission_name = "Task"
    add_columns = edit_columns = [*_TASK_FIELDS, "assignee", "responsible"]


class MyTaskApi(_TaskApiBase):
    """My tasks and those of colleagues I stand in for; I log my hours on them."""

    resource_name = "my_task"
    class_permission_name = "MyTask"
    method_permission_name = {**API_METHOD_PERMISSIONS, "log_time": "write"}
    base_filters = [["assignee_id", MyTasksFilter, None]]
    add_columns = _TASK_FIELDS
    edit_columns = ["description"]
    rules = services.MyTaskRules()
    time_rules = services.MyTimeLogRules()
    openapi_spec_component_schemas = (TimeLogBody,)

    @expose("/<int:pk>/time_log", methods=["POST"])
    @protect()
    @safe
    def log_time(self, pk):
        """Record hours I spent on the task.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/StaffTimeLogBody'}
          responses:
            201: {description: Recorded}
            400: {$ref: '#/components/responses/400'}
            403: {description: Not a task I may act on}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        task = self.datamodel.get(pk, self._base_filters)
        if task is None:
            return self.response_404()

        def save(session):
            body = load_body(TimeLogBody)
            log = TimeLog(task=task, on=body["on"], hours=body["hours"], note=body["note"])
            self.time_rules.create(session, log, policy.current_actor())
            session.add(log)
            session.flush()
            return log

        log, err = self.run_service(save)
        if err is not None:
            return err
        return self.response(201, id=log.id, hours=str(log.hours), on=log.on.isoformat())


class TimeLogApi(AppRestApi):
    resource_name = "time_log"
    class_permission_name = "TimeLog"
    datamodel = AppInterface(TimeLog)
    list_columns = show_columns = [
        "id",
        "task.id",
        "task.number",
        "user.id",
        "user.username",
        "on",
        "hours",
        "note",
    ]
    add_columns = edit_columns = ["task", "user", "on", "hours", "note"]
    search_columns = ["task", "user", "on"]
    rules = services.TimeLogRules()
