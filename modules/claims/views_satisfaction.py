"""Customer satisfaction: surveys, their report, the public survey page, claim settings."""

from __future__ import annotations

from flask import abort, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.views import AppModelView, date_arg
from modules.claims.models import (
    ClaimSettings,
    SatisfactionRequest,
)
from modules.claims.models.satisfaction import SUBJECT_TYPES
from modules.claims.services import satisfaction, systemic
from modules.claims.views_claims import LABELS, TEMPLATES


class SatisfactionView(AppModelView):
    datamodel = AppInterface(SatisfactionRequest)
    class_permission_name = "Satisfaction"
    base_permissions = ["can_read"]
    include_route_methods = {"list", "show", "api_read", "api_get"}
    list_title = _l("Satisfaction surveys")
    show_title = _l("Satisfaction survey")
    label_columns = LABELS
    list_columns = [
        "created_at",
        "subject_type",
        "claim",
        "repair_order",
        "employee",
        "answered_at",
        "score",
    ]
    show_columns = [*list_columns, "customer", "equipment_model", "comment"]
    search_columns = ["subject_type", "score", "answered_at", "created_at"]
    base_order = ("id", "desc")
    formatters_columns = {"subject_type": SUBJECT_TYPES.label}


class SatisfactionReportView(BaseView):
    route_base = "/satisfactionreport"
    template_folder = TEMPLATES
    class_permission_name = "Satisfaction"
    method_permission_name = {"report": "read"}
    base_permissions = ["can_read"]
    default_view = "report"

    @expose("/report")
    @has_access
    def report(self):
        by = request.args.get("by") or "month"
        try:
            rows = satisfaction.scores(db.session, by, date_arg("date_from"), date_arg("date_to"))
        except DomainError as err:
            abort(400, description=str(err.message))
        return self.render_template("claims/satisfaction_report.html", rows=rows, by=by)


class ClaimSettingsView(AppModelView):
    datamodel = AppInterface(ClaimSettings)
    class_permission_name = "ClaimSettings"
    list_title = _l("Systemic-defect detection settings")
    show_title = add_title = edit_title = _l("Detection settings")
    label_columns = LABELS
    list_columns = ["window_days", "threshold_pct", "confidence_pct", "min_units"]
    add_columns = edit_columns = show_columns = list_columns
    description_columns = {
        "threshold_pct": _l(
            "An alert opens when the lower bound of the defect rate's confidence "
            "interval is above this share of the units sold."
        ),
        "confidence_pct": _l("Confidence of the Wilson score interval, e.g. 95."),
        "min_units": _l("Models with fewer units sold in the window are not judged."),
    }
    rules = systemic.SettingsRules()


class SatisfactionPublicView(BaseView):
    """The customer's survey page: no login, one answer per link."""

    route_base = "/satisfaction"
    template_folder = TEMPLATES
    base_permissions: list[str] = []
    default_view = "answer"

    @expose("/<token>", methods=["GET", "POST"])
    def answer(self, token):
        try:
            row = satisfaction.by_token(db.session, token)
        except DomainError:
            abort(404)
        status, error, done = 200, None, False
        if request.method == "POST":
            try:
                satisfaction.answer(
                    db.session, token, request.form.get("score"), request.form.get("comment")
                )
                db.session.commit()
                done = True
            except DomainError as err:
                db.session.rollback()
                status, error = err.status, str(err.message)
        elif row.answered_at is not None:
            error = gettext("Thank you: this survey has already been answered.")
        answered = row.answered_at is not None or done
        return (
            self.render_template(
                "claims/satisfaction_public.html",
                token=token,
                done=done,
                answered=answered,
                error=error,
                subject=str(row.claim or row.repair_order or ""),
            ),
            status,
        )
