"""REST resources: intake, tasks (with transitions), my tasks, time logs."""

from datetime import date

from flask import request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from app.api import AppRestApi, StateMachineApiMixin
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from modules.staff import services
from modules.staff.models import (
    INTAKE_CHANNELS,
    PRIORITIES,
    Intake,
    Task,
    TimeLog,
)
from modules.staff.web import MyTasksFilter, TaskRules, current_user_id

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

    def pre_add(self, item):
        services.register_intake(db.session, item, date.today())

    def pre_update(self, item):
        if item.assignee_id is None and item.assignee is None:
            services.route_intake(db.session, item, date.today())

    def pre_delete(self, item):
        raise DomainError(_l("Incoming requests are closed, not deleted."), status=409)


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


class _TaskApiBase(TaskRules, StateMachineApiMixin, AppRestApi):
    datamodel = AppInterface(Task)
    state_machine = services.TASK_MACHINE
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

    def pre_add(self, item):
        services.create_task(db.session, item, current_user_id())


class MyTaskApi(_TaskApiBase):
    """My tasks and those of colleagues I stand in for; I log my hours on them."""

    resource_name = "my_task"
    own_tasks = True
    class_permission_name = "MyTask"
    method_permission_name = {**API_METHOD_PERMISSIONS, "log_time": "write"}
    base_filters = [["assignee_id", MyTasksFilter, None]]
    add_columns = _TASK_FIELDS
    edit_columns = ["description"]

    def pre_add(self, item):
        item.assignee_id = item.responsible_id = current_user_id()
        services.create_task(db.session, item, current_user_id())

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
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    hours: {type: number}
                    "on": {type: string, format: date}
                    note: {type: string}
          responses:
            201: {description: Recorded}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        from decimal import Decimal, InvalidOperation

        task = self.datamodel.get(pk, self._base_filters)
        if task is None:
            return self.response_404()
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request body must be a JSON object")
        try:
            hours = Decimal(str(body.get("hours")))
            on = date.fromisoformat(body["on"]) if body.get("on") else date.today()
        except (InvalidOperation, ValueError, TypeError):
            return self.response_422(message={"hours": ["hours is a number, on a YYYY-MM-DD"]})
        note = body.get("note")
        if note is not None and not isinstance(note, str):
            return self.response_422(message={"note": ["Not a valid string."]})
        uid = current_user_id()

        def save(session):
            log = TimeLog(task_id=task.id, on=on, hours=hours, note=(note or None) and note[:200])
            session.add(log)
            services.log_time(session, log, uid)
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

    def pre_add(self, item):
        services.log_time(db.session, item, current_user_id(), may_act_for_all=True)

    def pre_update(self, item):
        services.log_time(db.session, item, current_user_id(), may_act_for_all=True)
