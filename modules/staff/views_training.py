"""Training programs, sessions, records; my training; the staff reports page."""

from __future__ import annotations

from pathlib import Path

from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app.datamodel import AppInterface
from app.db import db
from app.views import AppModelView, date_arg
from modules.staff import reports, services
from modules.staff.models import RESULTS, TrainingProgram, TrainingRecord, TrainingSession
from modules.staff.web import MyTrainingFilter

TEMPLATES = str(Path(__file__).parent / "templates")

LABELS = {
    "code": _l("Code"),
    "topic": _l("Topic"),
    "description": _l("Description"),
    "hours": _l("Hours"),
    "validity_months": _l("Valid for (months)"),
    "certificate": _l("Certificate"),
    "active": _l("Active"),
    "mandatory_for": _l("Mandatory for positions"),
    "program": _l("Program"),
    "title": _l("Title"),
    "date_from": _l("From"),
    "date_to": _l("To"),
    "trainer": _l("Trainer"),
    "place": _l("Place"),
    "session": _l("Session"),
    "employee": _l("Employee"),
    "result": _l("Result"),
    "score": _l("Score"),
    "completed_on": _l("Completed on"),
    "certificate_no": _l("Certificate no."),
    "expires_on": _l("Expires on"),
}


class TrainingRecordView(AppModelView):
    datamodel = AppInterface(TrainingRecord)
    class_permission_name = "TrainingRecord"
    list_title = _l("Training records")
    show_title = _l("Training record")
    add_title = _l("Add participant")
    edit_title = _l("Edit training record")
    label_columns = LABELS
    list_columns = [
        "employee",
        "session",
        "result",
        "score",
        "completed_on",
        "certificate_no",
        "expires_on",
    ]
    add_columns = edit_columns = show_columns = [
        "session",
        "employee",
        "result",
        "score",
        "completed_on",
        "certificate_no",
        "expires_on",
    ]
    search_columns = ["result", "completed_on", "certificate_no", "expires_on"]
    base_order = ("id", "desc")
    formatters_columns = {"result": RESULTS.label}
    add_form_extra_fields = {"result": RESULTS.select_field(_l("Result"))}
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "expires_on": _l("Left empty: computed from the program's validity."),
    }
    rules = services.TrainingRecordRules()


class MyTrainingView(TrainingRecordView):
    class_permission_name = "MyTraining"
    list_title = _l("My training")
    base_filters = [["employee_id", MyTrainingFilter, None]]
    list_columns = ["session", "result", "completed_on", "certificate_no", "expires_on"]


class TrainingSessionView(AppModelView):
    datamodel = AppInterface(TrainingSession)
    class_permission_name = "TrainingSession"
    list_title = _l("Training sessions")
    show_title = _l("Training session")
    add_title = _l("Plan a training session")
    edit_title = _l("Edit training session")
    label_columns = LABELS
    list_columns = ["program", "title", "date_from", "date_to", "trainer", "place"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["title", "date_from", "trainer", "place"]
    base_order = ("date_from", "desc")
    related_views = [TrainingRecordView]
    rules = services.TrainingSessionRules()


class TrainingProgramView(AppModelView):
    datamodel = AppInterface(TrainingProgram)
    class_permission_name = "TrainingProgram"
    list_title = _l("Training programs")
    show_title = _l("Training program")
    add_title = _l("Add training program")
    edit_title = _l("Edit training program")
    label_columns = LABELS
    list_columns = ["topic", "code", "hours", "validity_months", "certificate", "active"]
    add_columns = edit_columns = show_columns = [
        "topic",
        "code",
        "description",
        "hours",
        "validity_months",
        "certificate",
        "mandatory_for",
        "active",
    ]
    search_columns = ["topic", "code", "certificate", "active"]
    base_order = ("topic", "asc")
    related_views = [TrainingSessionView]
    description_columns = {"validity_months": _l("Empty: valid for ever.")}
    rules = services.TrainingProgramRules()


class StaffReportsView(BaseView):
    """KPIs, unsigned job descriptions, training compliance and next quarter's plan."""

    route_base = "/staffreports"
    template_folder = TEMPLATES
    class_permission_name = "StaffReport"
    method_permission_name = {
        "kpi": "read",
        "unsigned": "read",
        "compliance": "read",
        "plan": "read",
    }
    base_permissions = ["can_read"]
    default_view = "kpi"

    @expose("/kpi")
    @has_access
    def kpi(self):
        d_from, d_to = date_arg("date_from"), date_arg("date_to")
        rows = reports.kpis(db.session, d_from, d_to)
        return self.render_template("staff/kpi.html", rows=rows, date_from=d_from, date_to=d_to)

    @expose("/unsigned")
    @has_access
    def unsigned(self):
        return self.render_template("staff/unsigned.html", rows=reports.unsigned(db.session))

    @expose("/compliance")
    @has_access
    def compliance(self):
        gaps = [g.as_dict() for g in reports.compliance(db.session)]
        return self.render_template(
            "staff/compliance.html", rows=gaps, title=_l("Training compliance")
        )

    @expose("/plan")
    @has_access
    def plan(self):
        data = reports.plan(db.session)
        return self.render_template("staff/plan.html", data=data)
