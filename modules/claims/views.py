"""Claims screens and menu (thin: rules live in services/)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.datamodel import AppInterface
from app.db import db
from app.deadlines import JURISDICTIONS
from app.errors import DomainError
from app.registry import MenuEntry
from app.security import VIEW_METHOD_PERMISSIONS, WRITE
from app.views import AppModelView, StateMachineViewMixin, date_arg
from modules.claims.models import (
    ALERT_STATES,
    BREACHES,
    CHANNELS,
    CLAIM_STATES,
    DEMANDS,
    EXAM_PAYERS,
    EXAM_STATES,
    PROPOSAL_KINDS,
    PROPOSAL_STATES,
    RESOLUTIONS,
    ROOT_CAUSES,
    SUPPLIER_CLAIM_STATES,
    Claim,
    ClaimDefect,
    ClaimSettings,
    DefectCode,
    ExpertExamination,
    ProductionProposal,
    SatisfactionRequest,
    SupplierClaim,
    SystemicAlert,
)
from modules.claims.services import claims as claim_services
from modules.claims.services import defects, satisfaction, suppliers, systemic
from modules.claims.web import ClaimRecordRule, current_user_id

TEMPLATES = str(Path(__file__).parent / "templates")

LABELS = {
    "number": _l("Number"),
    "customer": _l("Customer"),
    "unit": _l("Unit"),
    "equipment_model": _l("Equipment model"),
    "channel": _l("Channel"),
    "received_on": _l("Received on"),
    "demand": _l("Consumer demands"),
    "description": _l("Description"),
    "jurisdiction": _l("Jurisdiction"),
    "price": _l("Price of the item"),
    "quality_check": _l("Quality check needed"),
    "out_of_stock": _l("Replacement out of stock"),
    "durable": _l("Durable goods"),
    "hidden_defect": _l("Hidden defect"),
    "defect_noticed_on": _l("Defect noticed on"),
    "loaner_requested_on": _l("Substitute item requested on"),
    "due_date": _l("Due"),
    "due": _l("Due"),
    "officer": _l("Claims officer"),
    "state": _l("State"),
    "answer": _l("Written answer"),
    "answered_on": _l("Answered on"),
    "resolution": _l("Resolution"),
    "repair_order": _l("Repair order"),
    "replacement_serial": _l("Replacement serial number"),
    "compensation_amount": _l("Amount paid"),
    "paid_on": _l("Paid on"),
    "penalty_paid": _l("Penalty paid"),
    "fulfilled_on": _l("Fulfilled on"),
    "closed_at": _l("Closed (UTC)"),
    "notes": _l("Notes"),
    "created_at": _l("Created (UTC)"),
    "code": _l("Code"),
    "name": _l("Name"),
    "category": _l("Category"),
    "active": _l("Active"),
    "claim": _l("Claim"),
    "defect_code": _l("Defect"),
    "root_cause": _l("Root cause"),
    "part": _l("Faulty part"),
    "supplier": _l("Supplier"),
    "found_on": _l("Found on"),
    "organisation": _l("Expert organisation"),
    "expert": _l("Expert (partner)"),
    "sent_on": _l("Sent on"),
    "questions": _l("Questions"),
    "concluded_on": _l("Concluded on"),
    "cause_found": _l("Cause found"),
    "defect_confirmed": _l("Defect confirmed"),
    "conclusion": _l("Conclusion"),
    "cost": _l("Cost"),
    "paid_by": _l("Paid by"),
    "opened_on": _l("Opened on"),
    "window_start": _l("Window from"),
    "window_end": _l("Window to"),
    "defects": _l("Defects"),
    "units_sold": _l("Units sold"),
    "rate_pct": _l("Rate, %"),
    "lower_pct": _l("Lower bound, %"),
    "upper_pct": _l("Upper bound, %"),
    "threshold_pct": _l("Threshold, %"),
    "confidence_pct": _l("Confidence, %"),
    "alert": _l("Alert"),
    "kind": _l("Proposal"),
    "title": _l("Title"),
    "rationale": _l("Rationale"),
    "submitted_on": _l("Submitted on"),
    "decided_on": _l("Decided on"),
    "decision_note": _l("Decision"),
    "author": _l("Author"),
    "breach": _l("Breach"),
    "amount": _l("Amount claimed"),
    "recovered_amount": _l("Amount recovered"),
    "settled_on": _l("Settled on"),
    "repairs": _l("Repair orders"),
    "subject_type": _l("Subject"),
    "employee": _l("Employee"),
    "answered_at": _l("Answered (UTC)"),
    "score": _l("Score"),
    "comment": _l("Comment"),
    "window_days": _l("Rolling window, days"),
    "min_units": _l("Minimum units sold"),
}


def due_cell(value) -> Markup:
    day, overdue = value
    if day is None:
        return Markup("")
    if overdue:
        return Markup('<span class="as-overdue label label-danger" title="{}">{}</span>').format(
            str(_l("Overdue")), day.isoformat()
        )
    return escape(day.isoformat())


class IntPkMixin:
    """The show page's pk as an int: FAB passes the URL's text, and the core's file
    list compares it with an integer column (PostgreSQL refuses integer = varchar)."""

    def render_template(self, template, **kwargs):
        pk = kwargs.get("pk")
        if isinstance(pk, str) and pk.isdigit():
            kwargs["pk"] = int(pk)
        return super().render_template(template, **kwargs)


def _opt(choices, label):
    return choices.select_field(label, required=False)


class ClaimView(IntPkMixin, StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(Claim)
    class_permission_name = "Claim"
    method_permission_name = {**VIEW_METHOD_PERMISSIONS, "start_repair": "write"}
    state_machine = claim_services.CLAIM_MACHINE
    template_folder = TEMPLATES
    show_template = "claims/claim_show.html"
    attachments = True
    base_filters = [["id", ClaimRecordRule, None]]
    list_title = _l("Claims")
    show_title = _l("Claim")
    add_title = _l("Register a claim")
    edit_title = _l("Edit claim")
    label_columns = LABELS
    list_columns = [
        "number",
        "customer",
        "unit",
        "demand",
        "received_on",
        "due",
        "officer",
        "state",
    ]
    _legal = [
        "jurisdiction",
        "price",
        "quality_check",
        "out_of_stock",
        "hidden_defect",
        "defect_noticed_on",
        "loaner_requested_on",
    ]
    _settlement = [
        "answer",
        "answered_on",
        "resolution",
        "replacement_serial",
        "compensation_amount",
        "paid_on",
        "penalty_paid",
        "fulfilled_on",
    ]
    add_columns = [
        "customer",
        "unit",
        "channel",
        "received_on",
        "demand",
        "description",
        *_legal,
        "officer",
        "notes",
    ]
    edit_columns = [
        "channel",
        "received_on",
        "demand",
        "description",
        *_legal,
        "durable",
        "officer",
        *_settlement,
        "notes",
    ]
    show_columns = [
        "number",
        "state",
        "customer",
        "unit",
        "equipment_model",
        "channel",
        "received_on",
        "demand",
        "description",
        *_legal,
        "durable",
        "due_date",
        "officer",
        "repair_order",
        *_settlement,
        "closed_at",
        "notes",
        "created_at",
    ]
    search_columns = ["number", "state", "demand", "channel", "received_on", "due_date"]
    order_columns = ["number", "received_on", "due_date", "state"]
    base_order = ("received_on", "desc")
    formatters_columns = {
        "due": due_cell,
        "state": CLAIM_STATES.label,
        "demand": DEMANDS.label,
        "channel": CHANNELS.label,
        "resolution": RESOLUTIONS.label,
        "jurisdiction": JURISDICTIONS.label,
    }
    add_form_extra_fields = {
        "channel": CHANNELS.select_field(_l("Channel")),
        "demand": DEMANDS.select_field(_l("Consumer demands")),
        "jurisdiction": _opt(JURISDICTIONS, _l("Jurisdiction")),
    }
    edit_form_extra_fields = {
        **add_form_extra_fields,
        "resolution": _opt(RESOLUTIONS, _l("Resolution")),
    }
    description_columns = {
        "jurisdiction": _l("Empty: the installation's jurisdiction."),
        "price": _l("Empty: the unit's sale price. The delay penalty is a share of it."),
        "answer": _l("Also recorded from the comment of the accept or reject step."),
    }

    def apply_transition(self, session, item, action, comment):
        claim_services.transition(session, item, action, comment)

    def pre_add(self, item):
        if item.officer is None and item.officer_id is None:
            item.officer_id = current_user_id()
        claim_services.create_claim(db.session, item)

    def pre_update(self, item):
        claim_services.update_claim(db.session, item)

    def pre_delete(self, item):
        raise DomainError(_l("Claims are not deleted: they are closed."))

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            claim = self.datamodel.get(kwargs["pk"], self._base_filters)
            if claim is not None:
                today = date.today()
                kwargs["claim_deadlines"] = [
                    d.as_dict(today)
                    for d in claim_services.claim_deadlines(db.session, claim, today)
                ]
                kwargs["claim_warranty"] = claim_services.unit_warranty(db.session, claim)
                kwargs["claim"] = claim
                kwargs["claim_can_write"] = self.appbuilder.sm.has_access(WRITE, "Claim")
        return super().render_template(template, **kwargs)

    @expose("/start_repair/<int:pk>", methods=["POST"])
    @has_access
    def start_repair(self, pk):
        claim = self.datamodel.get(pk, self._base_filters)
        if claim is None:
            abort(404)
        try:
            repair = claim_services.start_repair(db.session, claim)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            flash(str(err.message), "danger")
        else:
            flash(gettext("Repair order %(number)s opened.", number=repair.number), "success")
        return redirect(url_for(f"{self.endpoint}.show", pk=pk))


class DefectCodeView(AppModelView):
    datamodel = AppInterface(DefectCode)
    class_permission_name = "DefectCode"
    list_title = _l("Defect codes")
    show_title = _l("Defect code")
    add_title = _l("Add a defect code")
    edit_title = _l("Edit defect code")
    label_columns = LABELS
    list_columns = ["code", "name", "category", "active"]
    add_columns = edit_columns = show_columns = [
        "code",
        "name",
        "category",
        "description",
        "active",
    ]
    search_columns = ["code", "name", "category", "active"]
    base_order = ("code", "asc")

    def pre_add(self, item):
        defects.check_defect_code(item)

    def pre_update(self, item):
        defects.check_defect_code(item)


class ClaimDefectView(AppModelView):
    datamodel = AppInterface(ClaimDefect)
    class_permission_name = "ClaimDefect"
    list_title = _l("Defects found")
    show_title = _l("Defect found")
    add_title = _l("Record a defect")
    edit_title = _l("Edit defect")
    label_columns = LABELS
    list_columns = ["found_on", "claim", "repair_order", "defect_code", "root_cause", "part"]
    add_columns = [
        "claim",
        "repair_order",
        "defect_code",
        "root_cause",
        "part",
        "supplier",
        "found_on",
        "notes",
    ]
    edit_columns = ["defect_code", "root_cause", "part", "supplier", "found_on", "notes"]
    show_columns = [*add_columns, "equipment_model"]
    search_columns = ["root_cause", "found_on"]
    base_order = ("found_on", "desc")
    formatters_columns = {"root_cause": ROOT_CAUSES.label}
    add_form_extra_fields = {"root_cause": ROOT_CAUSES.select_field(_l("Root cause"))}
    edit_form_extra_fields = add_form_extra_fields

    def pre_add(self, item):
        defects.check_defect(db.session, item)

    def pre_update(self, item):
        defects.check_defect(db.session, item)

    def pre_delete(self, item):
        if item.claim is not None and item.claim.state == "closed":
            raise DomainError(_l("A closed claim cannot be changed."))


class ExpertExaminationView(IntPkMixin, StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(ExpertExamination)
    class_permission_name = "ExpertExamination"
    state_machine = defects.EXAM_MACHINE
    attachments = True
    list_title = _l("Expert examinations")
    show_title = _l("Expert examination")
    add_title = _l("Send to an expert examination")
    edit_title = _l("Edit examination / record the conclusion")
    label_columns = LABELS
    list_columns = ["claim", "organisation", "sent_on", "state", "concluded_on", "cause_found"]
    add_columns = ["claim", "organisation", "expert", "sent_on", "questions"]
    edit_columns = [
        "organisation",
        "expert",
        "sent_on",
        "questions",
        "concluded_on",
        "cause_found",
        "defect_confirmed",
        "conclusion",
        "cost",
        "paid_by",
    ]
    show_columns = ["claim", "state", *edit_columns]
    search_columns = ["organisation", "state", "sent_on", "cause_found", "paid_by"]
    base_order = ("sent_on", "desc")
    formatters_columns = {
        "state": EXAM_STATES.label,
        "cause_found": ROOT_CAUSES.label,
        "paid_by": EXAM_PAYERS.label,
    }
    edit_form_extra_fields = {
        "cause_found": _opt(ROOT_CAUSES, _l("Cause found")),
        "paid_by": _opt(EXAM_PAYERS, _l("Paid by")),
    }

    def apply_transition(self, session, item, action, comment):
        defects.exam_transition(session, item, action, comment)

    def pre_add(self, item):
        defects.send_examination(db.session, item)

    def pre_update(self, item):
        defects.update_examination(db.session, item)

    def pre_delete(self, item):
        raise DomainError(_l("Examinations are not deleted: cancel them."))


class SystemicAlertView(StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(SystemicAlert)
    class_permission_name = "SystemicAlert"
    state_machine = systemic.ALERT_MACHINE
    include_route_methods = {"list", "show", "add", "transition", "api_read", "api_get"}
    list_title = _l("Systemic defect alerts")
    show_title = _l("Systemic defect alert")
    label_columns = LABELS
    list_columns = [
        "opened_on",
        "equipment_model",
        "defect_code",
        "defects",
        "units_sold",
        "rate_pct",
        "lower_pct",
        "threshold_pct",
        "state",
    ]
    show_columns = [
        "equipment_model",
        "defect_code",
        "state",
        "opened_on",
        "window_start",
        "window_end",
        "defects",
        "units_sold",
        "rate_pct",
        "lower_pct",
        "upper_pct",
        "confidence_pct",
        "threshold_pct",
    ]
    search_columns = ["state", "opened_on"]
    base_order = ("opened_on", "desc")
    formatters_columns = {"state": ALERT_STATES.label}

    @expose("/add", methods=["GET"])
    @has_access
    def add(self):
        """Alerts are opened by the detection: "add" leads to the page that runs it."""
        return redirect(url_for("DefectRatesView.rates"))


class DefectRatesView(BaseView):
    """Defect rates with their confidence interval; the manager runs the detection here."""

    route_base = "/defectrates"
    template_folder = TEMPLATES
    class_permission_name = "SystemicAlert"
    method_permission_name = {"rates": "read", "detect": "write"}
    base_permissions = ["can_read", "can_write"]
    default_view = "rates"

    @expose("/rates")
    @has_access
    def rates(self):
        from modules.inventory.models import EquipmentModel

        rows = systemic.defect_rates(db.session)[:200]
        settings = systemic.get_settings(db.session)
        db.session.commit()
        models = {m.id: str(m) for m in db.session.query(EquipmentModel).all()}
        codes = {c.id: str(c) for c in db.session.query(DefectCode).all()}
        return self.render_template(
            "claims/rates.html",
            rows=rows,
            settings=settings,
            models=models,
            codes=codes,
            can_detect=self.appbuilder.sm.has_access(WRITE, "SystemicAlert"),
        )

    @expose("/detect", methods=["POST"])
    @has_access
    def detect(self):
        try:
            opened = systemic.detect(db.session)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            flash(str(err.message), "danger")
        else:
            flash(gettext("Detection done: %(n)s new alert(s).", n=len(opened)), "success")
        return redirect(url_for(f"{self.endpoint}.rates"))


class ProductionProposalView(StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(ProductionProposal)
    class_permission_name = "ProductionProposal"
    state_machine = systemic.PROPOSAL_MACHINE
    list_title = _l("Proposals to production")
    show_title = _l("Proposal to production")
    add_title = _l("Draft a proposal to production")
    edit_title = _l("Edit proposal")
    label_columns = LABELS
    list_columns = ["number", "equipment_model", "defect_code", "kind", "title", "state"]
    add_columns = ["alert", "equipment_model", "defect_code", "kind", "title", "rationale"]
    edit_columns = ["kind", "title", "rationale"]
    show_columns = [
        "number",
        "alert",
        "equipment_model",
        "defect_code",
        "kind",
        "title",
        "rationale",
        "state",
        "submitted_on",
        "decided_on",
        "decision_note",
        "author",
    ]
    search_columns = ["number", "kind", "state", "title"]
    base_order = ("id", "desc")
    formatters_columns = {"kind": PROPOSAL_KINDS.label, "state": PROPOSAL_STATES.label}
    add_form_extra_fields = {"kind": PROPOSAL_KINDS.select_field(_l("Proposal"))}
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "equipment_model": _l("Taken from the alert when one is chosen."),
    }

    def apply_transition(self, session, item, action, comment):
        systemic.proposal_transition(session, item, action, comment)

    def pre_add(self, item):
        systemic.create_proposal(db.session, item, current_user_id())

    def pre_update(self, item):
        systemic.update_proposal(db.session, item)

    def pre_delete(self, item):
        raise DomainError(_l("Proposals are not deleted: they are rejected."))


class SupplierClaimView(IntPkMixin, StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(SupplierClaim)
    class_permission_name = "SupplierClaim"
    state_machine = suppliers.SUPPLIER_CLAIM_MACHINE
    attachments = True
    list_title = _l("Supplier claims")
    show_title = _l("Supplier claim")
    add_title = _l("New supplier claim")
    edit_title = _l("Edit supplier claim")
    label_columns = LABELS
    list_columns = ["number", "supplier", "breach", "amount", "due_date", "state"]
    add_columns = [
        "supplier",
        "breach",
        "description",
        "amount",
        "opened_on",
        "due_date",
        "notes",
    ]
    edit_columns = [*add_columns, "recovered_amount"]
    show_columns = [
        "number",
        "state",
        *add_columns,
        "sent_on",
        "recovered_amount",
        "settled_on",
        "defects",
        "repairs",
    ]
    search_columns = ["number", "breach", "state", "opened_on", "due_date"]
    base_order = ("id", "desc")
    formatters_columns = {"breach": BREACHES.label, "state": SUPPLIER_CLAIM_STATES.label}
    add_form_extra_fields = {"breach": BREACHES.select_field(_l("Breach"))}
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "due_date": _l("Empty: 30 days from sending, on a working day."),
    }

    def apply_transition(self, session, item, action, comment):
        suppliers.supplier_claim_transition(session, item, action, comment)

    def pre_add(self, item):
        suppliers.create_supplier_claim(db.session, item)

    def pre_update(self, item):
        suppliers.update_supplier_claim(db.session, item)

    def pre_delete(self, item):
        raise DomainError(_l("Supplier claims are not deleted: cancel them."))


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

    def pre_add(self, item):
        if db.session.query(ClaimSettings.id).first() is not None:
            raise DomainError(_l("The settings exist already: edit them."))
        systemic.check_settings(item)

    def pre_update(self, item):
        systemic.check_settings(item)

    def pre_delete(self, item):
        raise DomainError(_l("The settings are edited, not deleted."))


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


MENU = [
    MenuEntry(ClaimView, "Consumer claims", _l("Consumer claims"), icon="fa-scale-balanced"),
    MenuEntry(
        ExpertExaminationView,
        "Expert examinations",
        _l("Expert examinations"),
        icon="fa-microscope",
    ),
    MenuEntry(ClaimDefectView, "Defects found", _l("Defects found"), icon="fa-bug"),
    MenuEntry(DefectCodeView, "Defect codes", _l("Defect codes"), icon="fa-list-ol"),
    MenuEntry(SupplierClaimView, "Supplier claims", _l("Supplier claims"), icon="fa-truck"),
    MenuEntry(
        SystemicAlertView,
        "Systemic defect alerts",
        _l("Systemic defect alerts"),
        icon="fa-triangle-exclamation",
    ),
    MenuEntry(DefectRatesView, "Defect rates", _l("Defect rates"), icon="fa-chart-line"),
    MenuEntry(
        ProductionProposalView,
        "Proposals to production",
        _l("Proposals to production"),
        icon="fa-industry",
    ),
    MenuEntry(SatisfactionView, "Satisfaction surveys", _l("Satisfaction surveys"), icon="fa-star"),
    MenuEntry(
        SatisfactionReportView,
        "Satisfaction report",
        _l("Satisfaction report"),
        icon="fa-star-half-stroke",
    ),
    MenuEntry(ClaimSettingsView, "Detection settings", _l("Detection settings"), icon="fa-sliders"),
]

VIEWS = [SatisfactionPublicView]
