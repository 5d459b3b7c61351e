"""HR screens: positions, employees, responsibilities, absences, job descriptions."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.actions import action
from flask_appbuilder.security.decorators import has_access
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

from app import policy
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.formats import ZONE
from app.security import VIEW_METHOD_PERMISSIONS
from app.views import AppModelView, ShowSection, commit_step
from modules.staff import pdf, services
from modules.staff.models import (
    ABSENCE_KINDS,
    AREA_KINDS,
    Absence,
    Acknowledgement,
    Employee,
    JobDescription,
    Position,
    Responsibility,
)
from modules.staff.models.jobs import JD_STATES
from modules.staff.web import current_user_id

TEMPLATES = str(Path(__file__).parent / "templates")

LABELS = {
    "code": _l("Code"),
    "name": _l("Name"),
    "personnel_no": _l("Personnel no."),
    "user": _l("Login user"),
    "position": _l("Position"),
    "department": _l("Department"),
    "manager": _l("Manager"),
    "hire_date": _l("Hire date"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "active": _l("Active"),
    "created_at": _l("Created"),
    "employee": _l("Employee"),
    "kind": _l("Kind"),
    "key": _l("Area"),
    "date_from": _l("From"),
    "date_to": _l("To"),
    "note": _l("Note"),
    "deputy": _l("Deputy"),
    "version": _l("Version"),
    "state": _l("State"),
    "title": _l("Title"),
    "reports_to": _l("Reports to"),
    "appointed_by": _l("Appointed by"),
    "qualification": _l("Qualification required"),
    "experience": _l("Experience required"),
    "must_know": _l("Must know"),
    "duties": _l("Duties"),
    "rights": _l("Rights"),
    "responsibilities": _l("Responsibility"),
    "working_conditions": _l("Working conditions"),
    "published_at": _l("Published"),
    "published_by": _l("Published by"),
    "job_description": _l("Job description"),
    "signed_name": _l("Signed by"),
    "acknowledged_at": _l("Acknowledged (%(zone)s)", zone=ZONE),
}


class PositionView(AppModelView):
    datamodel = AppInterface(Position)
    class_permission_name = "Position"
    list_title = _l("Positions")
    show_title = _l("Position")
    add_title = _l("Add position")
    edit_title = _l("Edit position")
    label_columns = LABELS
    list_columns = ["name", "code", "department", "active"]
    add_columns = edit_columns = show_columns = ["name", "code", "department", "active"]
    base_order = ("name", "asc")
    rules = services.PositionRules()


class EmployeeView(AppModelView):
    datamodel = AppInterface(Employee)
    class_permission_name = "Employee"
    list_title = _l("Employees")
    show_title = _l("Employee")
    add_title = _l("Add employee")
    edit_title = _l("Edit employee")
    label_columns = LABELS
    list_columns = ["name", "personnel_no", "position", "department", "manager", "user", "active"]
    _fields = [
        "name",
        "personnel_no",
        "user",
        "position",
        "department",
        "manager",
        "hire_date",
        "email",
        "phone",
        "active",
    ]
    add_columns = edit_columns = _fields
    show_columns = [*_fields, "created_at"]
    search_columns = ["name", "personnel_no", "department", "hire_date", "active"]
    base_order = ("name", "asc")
    description_columns = {"user": _l("The login of this employee (for tasks and deputies).")}
    rules = services.EmployeeRules()

    def show_sections(self, item) -> list[ShowSection]:
        """Both sides of every deputyship: who stands in for him, for whom he stands in."""
        own, covers = services.deputyships(db.session, item.id)

        def period(a):
            return f"{format_date(a.date_from)} – {format_date(a.date_to)}"

        columns = [_l("Absence"), _l("Period")]
        return [
            ShowSection(
                _l("Absences and deputies"),
                [*columns, _l("Deputy")],
                [[ABSENCE_KINDS.label(a.kind), period(a), a.deputy or ""] for a in own],
                _l("No absences."),
            ),
            ShowSection(
                _l("Stands in for"),
                [*columns, _l("Colleague")],
                [[ABSENCE_KINDS.label(a.kind), period(a), a.employee] for a in covers],
                _l("Stands in for nobody."),
            ),
        ]


class ResponsibilityView(AppModelView):
    datamodel = AppInterface(Responsibility)
    class_permission_name = "Responsibility"
    list_title = _l("Responsibilities")
    show_title = _l("Responsibility")
    add_title = _l("Assign a responsibility")
    edit_title = _l("Edit responsibility")
    label_columns = LABELS
    list_columns = ["employee", "kind", "key", "date_from", "date_to", "note"]
    add_columns = edit_columns = show_columns = [
        "employee",
        "kind",
        "key",
        "date_from",
        "date_to",
        "note",
    ]
    search_columns = ["kind", "key", "date_from", "date_to"]
    base_order = ("kind", "asc")
    formatters_columns = {"kind": AREA_KINDS.label}
    description_columns = {
        "kind": _l(
            "warranty, repair, claims, contracts, warehouse, intake or another word "
            "other modules use"
        ),
        "key": _l("Which one: a product line, a region, a warehouse code; * for all."),
        "date_to": _l("Empty: until further notice."),
    }
    # blank is "*" (the rule fills it in), as at the API: not a required field
    add_form_extra_fields = {
        "key": StringField(
            LABELS["key"],
            validators=[Optional(), Length(max=100)],
            description=description_columns["key"],
        )
    }
    edit_form_extra_fields = add_form_extra_fields
    rules = services.ResponsibilityRules()


class AbsenceView(AppModelView):
    datamodel = AppInterface(Absence)
    class_permission_name = "Absence"
    list_title = _l("Absences")
    show_title = _l("Absence")
    add_title = _l("Register an absence")
    edit_title = _l("Edit absence")
    label_columns = LABELS
    list_columns = ["employee", "kind", "date_from", "date_to", "deputy"]
    add_columns = edit_columns = show_columns = [
        "employee",
        "kind",
        "date_from",
        "date_to",
        "deputy",
        "note",
    ]
    search_columns = ["kind", "date_from", "date_to"]
    base_order = ("date_from", "desc")
    formatters_columns = {"kind": ABSENCE_KINDS.label}
    add_form_extra_fields = {"kind": ABSENCE_KINDS.select_field(_l("Kind"))}
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "deputy": _l("Sees and receives the absent person's work during the absence.")
    }
    rules = services.AbsenceRules()


def pdf_response(jd: JobDescription, employee_id: int | None = None) -> Response:
    body = pdf.job_description_pdf(jd, services.holders(db.session, jd, employee_id))
    name = f"job-description-{jd.position_id}-v{jd.version}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


class AcknowledgementView(AppModelView):
    datamodel = AppInterface(Acknowledgement)
    class_permission_name = "Acknowledgement"
    list_title = _l("Acknowledgements")
    show_title = _l("Acknowledgement")
    label_columns = LABELS
    list_columns = ["job_description", "employee", "signed_name", "acknowledged_at"]
    show_columns = list_columns
    search_columns = ["signed_name", "acknowledged_at"]
    base_order = ("id", "desc")
    rules = services.AcknowledgementRules()


class JobDescriptionView(AppModelView):
    datamodel = AppInterface(JobDescription)
    class_permission_name = "JobDescription"
    method_permission_name = {
        **VIEW_METHOD_PERMISSIONS,
        "publish": "write",
        "new_version": "write",
        "pdf": "read",
    }
    list_title = _l("Job descriptions")
    show_title = _l("Job description")
    add_title = _l("Add job description")
    edit_title = _l("Edit job description (draft)")
    label_columns = LABELS
    list_columns = ["position", "version", "title", "state", "published_at"]
    _text = list(services.JD_TEXT)
    add_columns = ["position", *_text]
    edit_columns = _text
    show_columns = ["position", "version", "state", *_text, "published_at", "published_by"]
    search_columns = ["title", "state", "version"]
    base_order = ("id", "desc")
    formatters_columns = {"state": JD_STATES.label}
    related_views = [AcknowledgementView]
    rules = services.JobDescriptionRules()

    @action(
        "publish",
        _l("Publish"),
        _l("Publish this version? Every holder must sign it."),
        "fa-check",
        multiple=False,
    )
    def publish(self, item):
        return self.act_on(
            item.id,
            lambda jd: self.rules.publish(db.session, jd, policy.current_actor()),
            _l("Published: every holder of the position must acknowledge it."),
        )

    @action("new_version", _l("New version"), None, "fa-copy", multiple=False)
    def new_version(self, item):
        made = []

        def copy(jd):
            made.append(self.rules.new_version(db.session, jd, policy.current_actor()))

        back = self.act_on(item.id, copy, _l("A new draft version: edit it, then publish it."))
        return redirect(url_for(f"{self.endpoint}.edit", pk=made[0].id)) if made else back

    @expose("/pdf/<int:pk>")
    @has_access
    def pdf(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        try:
            return pdf_response(item)
        except DomainError as err:
            flash(str(err.message), "danger")
            return redirect(url_for(f"{self.endpoint}.show", pk=pk))


class MyJobDescriptionView(BaseView):
    """Every user: the current job description of his position, PDF and “acknowledge”."""

    route_base = "/myjobdescription"
    template_folder = TEMPLATES
    class_permission_name = "MyJobDescription"
    method_permission_name = {"index": "read", "acknowledge": "read", "pdf": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        emp = services.employee_of_user(db.session, current_user_id())
        jd = services.current_job_description(db.session, emp.position_id) if emp else None
        ack = services.holders(db.session, jd, emp.id)[0][1] if jd else None
        return self.render_template(
            "staff/my_job_description.html", employee=emp, jd=jd, ack=ack, labels=LABELS
        )

    @expose("/acknowledge", methods=["POST"])
    @has_access
    def acknowledge(self):
        raw = request.form.get("job_description")
        try:
            jd_id = int(raw) if raw else None
        except ValueError:
            abort(400)
        commit_step(
            lambda: services.acknowledge(db.session, current_user_id(), jd_id),
            _l("Thank you: your acknowledgement is recorded."),
        )
        return redirect(url_for(f"{self.endpoint}.index"))

    @expose("/pdf")
    @has_access
    def pdf(self):
        emp = services.employee_of_user(db.session, current_user_id())
        jd = services.current_job_description(db.session, emp.position_id) if emp else None
        if jd is None:
            abort(404)
        try:
            return pdf_response(jd, emp.id)
        except DomainError as err:
            flash(str(err.message), "danger")
            return redirect(url_for(f"{self.endpoint}.index"))
