"""REST resource `staff_report`: KPIs, unsigned job descriptions, training compliance."""

from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect

from app.api import DomainErrorsMixin
from app.db import db
from app.errors import DomainError
from app.views import date_arg
from modules.staff import reports


class StaffReportApi(DomainErrorsMixin, BaseApi):
    resource_name = "staff_report"
    class_permission_name = "StaffReport"
    method_permission_name = {
        "index": "read",
        "kpi": "read",
        "unsigned": "read",
        "compliance": "read",
        "plan": "read",
    }
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
            rows = reports.kpis(db.session, date_arg("date_from"), date_arg("date_to"))
        except DomainError as err:
            return self.domain_error(err)
        return self.response(
            200,
            result=[
                {k: (float(v) if hasattr(v, "as_tuple") else v) for k, v in r.items()} for r in rows
            ],
        )

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
            on = date_arg("on")
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
