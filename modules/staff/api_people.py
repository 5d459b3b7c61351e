"""REST resources: positions, employees, job descriptions, acknowledgements,
responsibilities, absences, and the user's own job description."""

from datetime import date

from flask import request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from app import policy
from app.api import AppRestApi, DomainErrorsMixin
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from app.views import date_arg
from app.web import load_body
from modules.staff import services
from modules.staff.models import (
    ABSENCE_KINDS,
    Absence,
    Acknowledgement,
    Employee,
    JobDescription,
    Position,
    Responsibility,
)
from modules.staff.schemas import AcknowledgeBody, NoBody
from modules.staff.views_people import pdf_response
from modules.staff.web import current_user_id

_NAME = validate.Length(min=1, max=200)


class PositionApi(AppRestApi):
    resource_name = "position"
    class_permission_name = "Position"
    datamodel = AppInterface(Position)
    list_columns = show_columns = ["id", "name", "code", "department", "active"]
    add_columns = edit_columns = ["name", "code", "department", "active"]
    validators_columns = {"name": _NAME}
    rules = services.PositionRules()


class EmployeeApi(AppRestApi):
    resource_name = "employee"
    class_permission_name = "Employee"
    datamodel = AppInterface(Employee)
    _fields = ["name", "personnel_no", "department", "hire_date", "email", "phone", "active"]
    list_columns = [
        "id",
        *_fields,
        "user.id",
        "user.username",
        "position.id",
        "position.name",
        "manager.id",
        "manager.name",
    ]
    show_columns = [*list_columns, "created_at"]
    add_columns = edit_columns = [*_fields, "user", "position", "manager"]
    search_columns = ["name", "personnel_no", "department", "position", "user", "active"]
    order_columns = ["id", "name", "personnel_no", "hire_date"]
    validators_columns = {"name": _NAME}
    rules = services.EmployeeRules()


class JobDescriptionApi(AppRestApi):
    resource_name = "job_description"
    class_permission_name = "JobDescription"
    method_permission_name = {
        **API_METHOD_PERMISSIONS,
        "publish": "write",
        "new_version": "write",
        "pdf": "read",
    }
    datamodel = AppInterface(JobDescription)
    _text = list(services.JD_TEXT)
    list_columns = [
        "id",
        "position.id",
        "position.name",
        "version",
        "state",
        "title",
        "published_at",
    ]
    show_columns = [*list_columns, *_text[1:], "published_by"]
    add_columns = ["position", *_text]
    edit_columns = _text
    search_columns = ["position", "state", "version", "title"]
    validators_columns = {"title": _NAME}
    rules = services.JobDescriptionRules()
    openapi_spec_component_schemas = (NoBody,)

    def _item(self, pk):
        return self.datamodel.get(pk, self._base_filters)

    @staticmethod
    def _step(session, item, step):
        """A step on the job description, its body (none) checked first."""
        load_body(NoBody)
        return step(session, item, policy.current_actor())

    @expose("/<int:pk>/publish", methods=["POST"])
    @protect()
    @safe
    def publish(self, pk):
        """Publish a draft: it becomes the current version of its position.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: false
            content:
              application/json:
                schema: {$ref: '#/components/schemas/StaffNoBody'}
          responses:
            200: {description: Published}
            404: {$ref: '#/components/responses/404'}
            409: {description: Not a draft}
            422: {$ref: '#/components/responses/422'}
        """
        item = self._item(pk)
        if item is None:
            return self.response_404()
        _, err = self.run_service(self._step, item, self.rules.publish)
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
          requestBody:
            required: false
            content:
              application/json:
                schema: {$ref: '#/components/schemas/StaffNoBody'}
          responses:
            201: {description: The new draft}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        item = self._item(pk)
        if item is None:
            return self.response_404()
        copy, err = self.run_service(self._step, item, self.rules.new_version)
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


class AcknowledgementApi(AppRestApi):
    """HR reads who signed what; `POST /acknowledge` lets the current user sign the
    current version of his own job description (permission can_acknowledge, everyone)."""

    resource_name = "acknowledgement"
    class_permission_name = "Acknowledgement"
    method_permission_name = {**API_METHOD_PERMISSIONS, "acknowledge": "acknowledge"}
    datamodel = AppInterface(Acknowledgement)
    list_columns = show_columns = [
        "id",
        "job_description.id",
        "job_description.version",
        "job_description.title",
        "employee.id",
        "employee.name",
        "signed_name",
        "acknowledged_at",
    ]
    add_columns = ["job_description"]
    edit_columns = ["signed_name"]
    search_columns = ["job_description", "employee", "acknowledged_at"]
    include_route_methods = {"get", "get_list", "info", "acknowledge"}
    rules = services.AcknowledgementRules()
    openapi_spec_component_schemas = (AcknowledgeBody,)

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
                schema: {$ref: '#/components/schemas/StaffAcknowledgeBody'}
          responses:
            201: {description: Signed}
            400: {$ref: '#/components/responses/400'}
            404: {description: Not an employee, or no published job description}
            409: {description: Already signed}
            422: {$ref: '#/components/responses/422'}
        """

        def sign(session):
            body = load_body(AcknowledgeBody)
            return self.rules.acknowledge(session, policy.current_actor(), body["job_description"])

        ack, err = self.run_service(sign)
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


class ResponsibilityApi(AppRestApi):
    resource_name = "responsibility"
    class_permission_name = "Responsibility"
    method_permission_name = {**API_METHOD_PERMISSIONS, "propose": "read"}
    datamodel = AppInterface(Responsibility)
    _fields = ["kind", "key", "date_from", "date_to", "note"]
    list_columns = show_columns = ["id", "employee.id", "employee.name", *_fields]
    add_columns = edit_columns = ["employee", *_fields]
    search_columns = ["employee", "kind", "key", "date_from", "date_to"]
    rules = services.ResponsibilityRules()

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
            on = date_arg("on") or date.today()
        except DomainError as err:
            return self.domain_error(err)
        uid = services.propose_assignee(db.session, kind, request.args.get("key"), on)
        return self.response(200, user_id=uid, on=on.isoformat())


class AbsenceApi(AppRestApi):
    resource_name = "absence"
    class_permission_name = "Absence"
    datamodel = AppInterface(Absence)
    _fields = ["kind", "date_from", "date_to", "note"]
    list_columns = show_columns = [
        "id",
        "employee.id",
        "employee.name",
        *_fields,
        "deputy.id",
        "deputy.name",
    ]
    add_columns = edit_columns = ["employee", "deputy", *_fields]
    search_columns = ["employee", "deputy", "kind", "date_from", "date_to"]
    validators_columns = {"kind": ABSENCE_KINDS.validator()}
    rules = services.AbsenceRules()


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
