"""REST resources of staff (thin: rules in services.py, reports in reports.py).

employee, position, job_description, acknowledgement, responsibility, absence,
intake, task, my_task, time_log, training_program, training_session,
training_record, my_job_description, my_training, staff_report.
"""

from __future__ import annotations

from datetime import date

from flask import request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import lazy_gettext as _l
from marshmallow import validate
from sqlalchemy.exc import DataError

from app.api import AppRestApi, DomainErrorsMixin, StateMachineApiMixin
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from modules.staff import reports, services
from modules.staff.models import (
    ABSENCE_KINDS,
    INTAKE_CHANNELS,
    PRIORITIES,
    RESULTS,
    Absence,
    Acknowledgement,
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
from modules.staff.views_people import pdf_response
from modules.staff.web import MyTasksFilter, MyTrainingFilter, current_user_id

_NAME = validate.Length(min=1, max=200)


class StaffInterface(AppInterface):
    """An id out of the column's range (PostgreSQL integer) is simply not found."""

    def get(self, *args, **kwargs):
        try:
            return super().get(*args, **kwargs)
        except DataError:
            self.session.rollback()
            return None


class _StaffApi(AppRestApi):
    """A related id out of range (PostgreSQL DataError) is a 422, not a 500."""

    def _guard(self, fn, *args):
        try:
            return fn(*args)
        except DataError:
            db.session.rollback()
            return self.response_422(message=str(_l("A referenced record does not exist.")))

    def post_headless(self):
        return self._guard(super().post_headless)

    def put_headless(self, pk):
        return self._guard(super().put_headless, pk)


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(_l("%(name)s must be a date as YYYY-MM-DD.", name=name), field=name,
                          status=400) from None  # fmt: skip


class PositionApi(_StaffApi):
    resource_name = "position"
    class_permission_name = "Position"
    datamodel = StaffInterface(Position)
    list_columns = show_columns = ["id", "name", "code", "department", "active"]
    add_columns = edit_columns = ["name", "code", "department", "active"]
    validators_columns = {"name": _NAME}


class EmployeeApi(_StaffApi):
    resource_name = "employee"
    class_permission_name = "Employee"
    datamodel = StaffInterface(Employee)
    _fields = ["name", "personnel_no", "department", "hire_date", "email", "phone", "active"]
    list_columns = ["id", *_fields, "user.id", "user.username", "position.id", "position.name",
                    "manager.id", "manager.name"]  # fmt: skip
    show_columns = [*list_columns, "created_at"]
    add_columns = edit_columns = [*_fields, "user", "position", "manager"]
    search_columns = ["name", "personnel_no", "department", "position", "user", "active"]
    order_columns = ["id", "name", "personnel_no", "hire_date"]
    validators_columns = {"name": _NAME, "email": validate.Email()}

    def pre_add(self, item):
        services.check_employee(item)

    def pre_update(self, item):
        services.check_employee(item)


class JobDescriptionApi(_StaffApi):
    resource_name = "job_description"
    class_permission_name = "JobDescription"
    method_permission_name = {**API_METHOD_PERMISSIONS, "publish": "write",
                              "new_version": "write", "pdf": "read"}  # fmt: skip
    datamodel = StaffInterface(JobDescription)
    _text = ["title", "reports_to", "appointed_by", "qualification", "experience", "must_know",
             "duties", "rights", "responsibilities", "working_conditions"]  # fmt: skip
    list_columns = ["id", "position.id", "position.name", "version", "state", "title",
                    "published_at"]  # fmt: skip
    show_columns = [*list_columns, *_text[1:], "published_by"]
    add_columns = ["position", *_text]
    edit_columns = _text
    search_columns = ["position", "state", "version", "title"]
    validators_columns = {"title": _NAME}

    def pre_add(self, item):
        services.prepare_job_description(db.session, item)

    def pre_update(self, item):
        services.check_job_description_edit(item)

    def pre_delete(self, item):
        if item.state != "draft":
            raise DomainError(_l("A published version cannot be deleted."), status=409)

    def _item(self, pk):
        return self.datamodel.get(pk, self._base_filters)

    @expose("/<int:pk>/publish", methods=["POST"])
    @protect()
    @safe
    def publish(self, pk):
        """Publish a draft: it becomes the current version of its position.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200: {description: Published}
            404: {$ref: '#/components/responses/404'}
            409: {description: Not a draft}
        """
        item = self._item(pk)
        if item is None:
            return self.response_404()
        from flask import g

        _, err = self.run_service(services.publish_job_description, item, g.user.username)
        if err is not None:
            return err
        return self.response(200, id=item.id, version=item.version, state=item.state)

    @expose("/<int:pk>/new_version", methods=["POST"])
    @protect()
    @safe
    def new_version(self, pk):
        """Copy a version into a new draft to edit and publish.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            201: {description: The new draft}
            404: {$ref: '#/components/responses/404'}
        """
        item = self._item(pk)
        if item is None:
            return self.response_404()
        copy, err = self.run_service(services.new_version, item)
        if err is not None:
            return err
        return self.response(201, id=copy.id, version=copy.version, state=copy.state)

    @expose("/<int:pk>/pdf", methods=["GET"])
    @protect()
    def pdf(self, pk):
        """The job description as PDF with the acknowledgement block.
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200: {description: PDF, content: {application/pdf: {}}}
            404: {$ref: '#/components/responses/404'}
        """
        item = self._item(pk)
        if item is None:
            return self.response_404()
        try:
            return pdf_response(item)
        except DomainError as err:
            return self.domain_error(err)


class AcknowledgementApi(_StaffApi):
    """HR reads who signed what; `POST /acknowledge` lets the current user sign the
    current version of his own job description (permission can_acknowledge, everyone)."""

    resource_name = "acknowledgement"
    class_permission_name = "Acknowledgement"
    method_permission_name = {**API_METHOD_PERMISSIONS, "acknowledge": "acknowledge"}
    datamodel = StaffInterface(Acknowledgement)
    list_columns = show_columns = ["id", "job_description.id", "job_description.version",
                                   "job_description.title", "employee.id", "employee.name",
                                   "signed_name", "acknowledged_at"]  # fmt: skip
    add_columns = ["job_description"]
    edit_columns = ["signed_name"]
    search_columns = ["job_description", "employee", "acknowledged_at"]
    include_route_methods = {"get", "get_list", "info", "acknowledge"}

    @expose("/acknowledge", methods=["POST"])
    @protect()
    @safe
    def acknowledge(self):
        """Sign “read and understood” the current version of my own job description.
        ---
        post:
          requestBody:
            required: false
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    job_description: {type: integer}
          responses:
            201: {description: Signed}
            400: {$ref: '#/components/responses/400'}
            404: {description: Not an employee, or no published job description}
            409: {description: Already signed}
            422: {$ref: '#/components/responses/422'}
        """
        body = request.get_json(silent=True) if request.data else {}
        if not isinstance(body, dict):
            return self.response_400(message="Request body must be a JSON object")
        jd_id = body.get("job_description")
        if jd_id is not None and (not isinstance(jd_id, int) or isinstance(jd_id, bool)):
            return self.response_422(message={"job_description": ["Not a valid integer."]})
        ack, err = self.run_service(services.acknowledge, current_user_id(), jd_id)
        if err is not None:
            return err
        return self.response(
            201,
            id=ack.id,
            result={
                "job_description": ack.job_description_id,
                "version": ack.job_description.version,
                "signed_name": ack.signed_name,
                "acknowledged_at": ack.acknowledged_at.isoformat(),
            },
        )


class ResponsibilityApi(_StaffApi):
    resource_name = "responsibility"
    class_permission_name = "Responsibility"
    method_permission_name = {**API_METHOD_PERMISSIONS, "propose": "read"}
    datamodel = StaffInterface(Responsibility)
    _fields = ["kind", "key", "date_from", "date_to", "note"]
    list_columns = show_columns = ["id", "employee.id", "employee.name", *_fields]
    add_columns = edit_columns = ["employee", *_fields]
    search_columns = ["employee", "kind", "key", "date_from", "date_to"]

    def pre_add(self, item):
        services.check_responsibility(item)

    def pre_update(self, item):
        services.check_responsibility(item)

    @expose("/propose", methods=["GET"])
    @protect()
    @safe
    def propose(self):
        """Who should get new work of an area (kind, key) on a date (absences counted).
        ---
        get:
          parameters:
          - {in: query, name: kind, required: true, schema: {type: string}}
          - {in: query, name: key, schema: {type: string}}
          - {in: query, name: "on", schema: {type: string, format: date}}
          responses:
            200: {description: "user_id (null when nobody is responsible)"}
            400: {$ref: '#/components/responses/400'}
        """
        kind = (request.args.get("kind") or "").strip()
        if not kind:
            return self.response_400(message="kind is required")
        try:
            on = _date_arg("on") or date.today()
        except DomainError as err:
            return self.domain_error(err)
        uid = services.propose_assignee(db.session, kind, request.args.get("key"), on)
        return self.response(200, user_id=uid, on=on.isoformat())


class AbsenceApi(_StaffApi):
    resource_name = "absence"
    class_permission_name = "Absence"
    datamodel = StaffInterface(Absence)
    _fields = ["kind", "date_from", "date_to", "note"]
    list_columns = show_columns = ["id", "employee.id", "employee.name", *_fields,
                                   "deputy.id", "deputy.name"]  # fmt: skip
    add_columns = edit_columns = ["employee", "deputy", *_fields]
    search_columns = ["employee", "deputy", "kind", "date_from", "date_to"]
    validators_columns = {"kind": ABSENCE_KINDS.validator()}

    def pre_add(self, item):
        services.check_absence(item)

    def pre_update(self, item):
        services.check_absence(item)


class IntakeApi(_StaffApi):
    resource_name = "intake"
    class_permission_name = "Intake"
    datamodel = StaffInterface(Intake)
    _fields = ["channel", "from_name", "subject", "description", "area_kind", "area_key"]
    list_columns = show_columns = ["id", "number", "received_at", *_fields, "partner.id",
                                   "partner.name", "assignee.id", "assignee.username",
                                   "responsible.id", "closed"]  # fmt: skip
    add_columns = [*_fields, "partner", "assignee"]
    edit_columns = [*add_columns, "closed"]
    search_columns = ["channel", "from_name", "subject", "area_kind", "area_key", "assignee",
                      "closed", "received_at"]  # fmt: skip
    order_columns = ["id", "received_at", "number"]
    validators_columns = {"channel": INTAKE_CHANNELS.validator(), "from_name": _NAME,
                          "subject": _NAME}  # fmt: skip

    def pre_add(self, item):
        services.register_intake(db.session, item, date.today())

    def pre_update(self, item):
        if item.assignee_id is None and item.assignee is None:
            services.route_intake(db.session, item, date.today())

    def pre_delete(self, item):
        raise DomainError(_l("Incoming requests are closed, not deleted."), status=409)


_TASK_FIELDS = ["title", "description", "due_date", "priority", "ref_type", "ref_id"]
_TASK_LIST = ["id", "number", "title", "state", "priority", "due_date", "overdue",
              "assignee.id", "assignee.username", "responsible.id", "responsible.username",
              "ref_type", "ref_id", "created_at", "done_at"]  # fmt: skip


class _TaskApiBase(StateMachineApiMixin, _StaffApi):
    datamodel = StaffInterface(Task)
    state_machine = services.TASK_MACHINE
    list_columns = _TASK_LIST
    show_columns = [*_TASK_LIST, "description", "created_by.id"]
    search_columns = ["state", "priority", "due_date", "assignee", "responsible", "ref_type",
                      "ref_id", "number", "title"]  # fmt: skip
    order_columns = ["id", "number", "due_date", "priority", "state", "created_at"]
    validators_columns = {"title": _NAME, "priority": PRIORITIES.validator()}

    def apply_transition(self, session, item, action, comment):
        services.transition_task(session, item, action, comment)

    def pre_update(self, item):
        services.check_task(item)

    def pre_delete(self, item):
        raise DomainError(_l("Tasks are not deleted: cancel them."), status=409)


class TaskApi(_TaskApiBase):
    resource_name = "task"
    class_permission_name = "Task"
    add_columns = edit_columns = [*_TASK_FIELDS, "assignee", "responsible"]

    def pre_add(self, item):
        services.create_task(db.session, item, current_user_id())


class MyTaskApi(_TaskApiBase):
    """My tasks and those of colleagues I stand in for; I log my hours on them."""

    resource_name = "my_task"
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


class TimeLogApi(_StaffApi):
    resource_name = "time_log"
    class_permission_name = "TimeLog"
    datamodel = StaffInterface(TimeLog)
    list_columns = show_columns = ["id", "task.id", "task.number", "user.id", "user.username",
                                   "on", "hours", "note"]  # fmt: skip
    add_columns = edit_columns = ["task", "user", "on", "hours", "note"]
    search_columns = ["task", "user", "on"]

    def pre_add(self, item):
        services.log_time(db.session, item, current_user_id(), may_act_for_all=True)

    def pre_update(self, item):
        services.log_time(db.session, item, current_user_id(), may_act_for_all=True)


class TrainingProgramApi(_StaffApi):
    resource_name = "training_program"
    class_permission_name = "TrainingProgram"
    datamodel = StaffInterface(TrainingProgram)
    _fields = ["topic", "code", "description", "hours", "validity_months", "certificate",
               "active"]  # fmt: skip
    list_columns = ["id", *_fields, "mandatory_for.id", "mandatory_for.name"]
    show_columns = list_columns
    add_columns = edit_columns = [*_fields, "mandatory_for"]
    search_columns = ["topic", "code", "certificate", "active"]
    validators_columns = {"topic": _NAME}

    def pre_add(self, item):
        services.check_program(item)

    def pre_update(self, item):
        services.check_program(item)


class TrainingSessionApi(_StaffApi):
    resource_name = "training_session"
    class_permission_name = "TrainingSession"
    datamodel = StaffInterface(TrainingSession)
    _fields = ["title", "date_from", "date_to", "trainer", "place"]
    list_columns = show_columns = ["id", "program.id", "program.topic", *_fields]
    add_columns = edit_columns = ["program", *_fields]
    search_columns = ["program", "date_from", "title"]

    def pre_add(self, item):
        services.check_session(item)

    def pre_update(self, item):
        services.check_session(item)


_RECORD_FIELDS = ["result", "score", "completed_on", "certificate_no", "expires_on"]
_RECORD_LIST = ["id", "session.id", "session.date_from", "session.title", "employee.id",
                "employee.name", *_RECORD_FIELDS]  # fmt: skip


class TrainingRecordApi(_StaffApi):
    resource_name = "training_record"
    class_permission_name = "TrainingRecord"
    datamodel = StaffInterface(TrainingRecord)
    list_columns = show_columns = _RECORD_LIST
    add_columns = edit_columns = ["session", "employee", *_RECORD_FIELDS]
    search_columns = ["session", "employee", "result", "expires_on"]
    validators_columns = {"result": RESULTS.validator()}

    def pre_add(self, item):
        services.check_record(db.session, item)

    def pre_update(self, item):
        services.check_record(db.session, item)


class MyTrainingApi(_StaffApi):
    resource_name = "my_training"
    class_permission_name = "MyTraining"
    datamodel = StaffInterface(TrainingRecord)
    base_filters = [["employee_id", MyTrainingFilter, None]]
    list_columns = show_columns = _RECORD_LIST
    include_route_methods = {"get", "get_list", "info"}


class MyJobDescriptionApi(DomainErrorsMixin, BaseApi):
    """The current user's job description (current version) and whether he signed it."""

    resource_name = "my_job_description"
    class_permission_name = "MyJobDescription"
    method_permission_name = {"current": "read", "pdf": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Staff"

    def _current(self):
        emp = services.employee_of_user(db.session, current_user_id())
        if emp is None:
            raise DomainError(_l("You are not registered as an employee."), status=404)
        jd = services.current_job_description(db.session, emp.position_id)
        if jd is None:
            raise DomainError(_l("Your position has no published job description."), status=404)
        return emp, jd

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def current(self):
        """My current job description and my acknowledgement of it.
        ---
        get:
          responses:
            200: {description: The job description}
            404: {$ref: '#/components/responses/404'}
        """
        try:
            emp, jd = self._current()
        except DomainError as err:
            return self.domain_error(err)
        ack = services.holders(db.session, jd, emp.id)[0][1]
        cols = services.JD_TEXT
        return self.response(
            200,
            id=jd.id,
            position=jd.position.name,
            version=jd.version,
            **{c: getattr(jd, c) for c in cols},
            acknowledged_at=ack.acknowledged_at.isoformat() if ack else None,
        )

    @expose("/pdf", methods=["GET"])
    @protect()
    def pdf(self):
        """My current job description as PDF.
        ---
        get:
          responses:
            200: {description: PDF, content: {application/pdf: {}}}
            404: {$ref: '#/components/responses/404'}
        """
        try:
            emp, jd = self._current()
            return pdf_response(jd, emp.id)
        except DomainError as err:
            return self.domain_error(err)


class StaffReportApi(DomainErrorsMixin, BaseApi):
    resource_name = "staff_report"
    class_permission_name = "StaffReport"
    method_permission_name = {"index": "read", "kpi": "read", "unsigned": "read",
                              "compliance": "read", "plan": "read"}  # fmt: skip
    allow_browser_login = True
    openapi_spec_tag = "Staff"

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def index(self):
        """The staff reports available.
        ---
        get:
          responses:
            200: {description: Report names and their paths}
        """
        return self.response(
            200,
            result=[
                {"name": n, "path": f"/api/v1/staff_report/{n}"}
                for n in ("kpi", "unsigned", "compliance", "plan")
            ],
        )

    @expose("/kpi", methods=["GET"])
    @protect()
    @safe
    def kpi(self):
        """Staff KPIs per employee in a period.
        ---
        get:
          parameters:
          - {in: query, name: date_from, schema: {type: string, format: date}}
          - {in: query, name: date_to, schema: {type: string, format: date}}
          responses:
            200: {description: One row per employee}
            400: {$ref: '#/components/responses/400'}
        """
        try:
            rows = reports.kpis(db.session, _date_arg("date_from"), _date_arg("date_to"))
        except DomainError as err:
            return self.domain_error(err)
        return self.response(200, result=[{k: (float(v) if hasattr(v, "as_tuple") else v)
                                           for k, v in r.items()} for r in rows])  # fmt: skip

    @expose("/unsigned", methods=["GET"])
    @protect()
    @safe
    def unsigned(self):
        """Employees who have not acknowledged the current version of their job description.
        ---
        get:
          responses:
            200: {description: One row per employee}
        """
        return self.response(200, result=reports.unsigned(db.session))

    @expose("/compliance", methods=["GET"])
    @protect()
    @safe
    def compliance(self):
        """Who lacks a mandatory or valid training.
        ---
        get:
          parameters:
          - {in: query, name: "on", schema: {type: string, format: date}}
          responses:
            200: {description: One row per missing training}
        """
        try:
            on = _date_arg("on")
        except DomainError as err:
            return self.domain_error(err)
        return self.response(200, result=[g.as_dict() for g in reports.compliance(db.session, on)])

    @expose("/plan", methods=["GET"])
    @protect()
    @safe
    def plan(self):
        """The training plan for the next quarter.
        ---
        get:
          responses:
            200: {description: Needs and planned sessions}
        """
        return self.response(200, **reports.plan(db.session))


APIS = [
    PositionApi,
    EmployeeApi,
    JobDescriptionApi,
    AcknowledgementApi,
    ResponsibilityApi,
    AbsenceApi,
    IntakeApi,
    TaskApi,
    MyTaskApi,
    TimeLogApi,
    TrainingProgramApi,
    TrainingSessionApi,
    TrainingRecordApi,
    MyTrainingApi,
    MyJobDescriptionApi,
    StaffReportApi,
]
