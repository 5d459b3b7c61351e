"""Claim screens: claims, defect codes, claim defects, expert examinations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.sqla.models import User
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from markupsafe import Markup, escape
from wtforms import SelectField
from wtforms.validators import Optional

from app import filters as app_filters
from app import formats
from app.datamodel import AppInterface
from app.db import db
from app.deadlines import JURISDICTIONS
from app.formats import ZONE
from app.insights import QuickFilter
from app.security import VIEW_METHOD_PERMISSIONS, WRITE
from app.surface import Surface
from app.views import AppModelView, StateMachineViewMixin
from app.widgets import LookupField, current_user_row
from modules.claims.models import (
    CHANNELS,
    CLAIM_LEGAL_FACTS,
    CLAIM_SETTLEMENT,
    CLAIM_STATES,
    DEMANDS,
    EXAM_PAYERS,
    EXAM_STATES,
    RESOLUTIONS,
    ROOT_CAUSES,
    Claim,
    ClaimDefect,
    DefectCode,
    ExpertExamination,
)
from modules.claims.services import claims as claim_services
from modules.claims.services import defects
from modules.warranty.models import Unit

TEMPLATES = str(Path(__file__).parent / "templates")

LABELS = {
    "number": _l("Number"),
    "customer": _l("Customer"),
    "unit": _p("sold unit", "Unit"),
    "on_behalf_reason": _l("Claiming on behalf of the owner: why"),
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
    "closed_at": _l("Closed (%(zone)s)", zone=ZONE),
    "notes": _l("Notes"),
    "created_at": _l("Created (%(zone)s)", zone=ZONE),
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
    "answered_at": _l("Answered (%(zone)s)", zone=ZONE),
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
            str(_l("Overdue")), formats.day(day)
        )
    return escape(formats.day(day))


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


def _yes_no(value) -> bool | None:
    """A yes / no / not stated choice as the column holds it (True, False, None)."""
    if isinstance(value, bool) or value is None:
        return value
    return {"yes": True, "no": False}.get(value)


class ClaimView(IntPkMixin, StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(Claim)
    class_permission_name = "Claim"
    method_permission_name = {**VIEW_METHOD_PERMISSIONS, "start_repair": "write"}
    state_machine = claim_services.CLAIM_MACHINE
    rules = claim_services.ClaimRules()
    template_folder = TEMPLATES
    show_template = "claims/claim_show.html"
    attachments = True
    base_filters = [["id", QuickFilter, claim_services.QUICK_FILTERS]]
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
    add_columns = [
        "customer",
        "unit",
        "on_behalf_reason",
        "channel",
        "received_on",
        "demand",
        "description",
        *CLAIM_LEGAL_FACTS,
        "officer",
        "notes",
    ]
    edit_columns = [
        "on_behalf_reason",
        "channel",
        "received_on",
        "demand",
        "description",
        *CLAIM_LEGAL_FACTS,
        "durable",
        "officer",
        *CLAIM_SETTLEMENT,
        "notes",
    ]
    surface = Surface(
        head=(
            "customer",
            "unit",
            "demand",
            "received_on",
            "officer",
            "repair_order",
            "description",
        ),
        elsewhere=("due_date",),
    )
    show_columns = [
        "number",
        "state",
        "customer",
        "unit",
        "on_behalf_reason",
        "equipment_model",
        "channel",
        "received_on",
        "demand",
        "description",
        *CLAIM_LEGAL_FACTS,
        "durable",
        "due_date",
        "officer",
        "repair_order",
        *CLAIM_SETTLEMENT,
        "closed_at",
        "notes",
        "created_at",
    ]
    search_columns = ["number", "state", "demand", "channel", "received_on", "due_date"]
    search_filters = {
        "customer": app_filters.name_filters(),
        "unit": app_filters.text_filters("serial_number", label=_l("Serial number")),
        "officer": app_filters.person_filters(),
    }
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
        # the customer's units (picking a unit first fills in its customer)
        "unit": LookupField(
            LABELS["unit"], [Optional()], model=Unit, depends={"customer": "customer_id"}
        ),
        # the officer: the user who registers the claim, unless another is picked
        "officer": LookupField(
            LABELS["officer"],
            [Optional()],
            model=User,
            default=current_user_row,
            description=_l("Empty: you."),
        ),
    }
    edit_form_extra_fields = {
        **{k: v for k, v in add_form_extra_fields.items() if k not in ("unit", "officer")},
        "resolution": _opt(RESOLUTIONS, _l("Resolution")),
    }
    description_columns = {
        "jurisdiction": _l("Empty: the installation's jurisdiction."),
        "price": _l("Empty: the unit's sale price. The delay penalty is a share of it."),
        "answer": _l("Also recorded from the comment of the accept or reject step."),
        "on_behalf_reason": _l(
            "Only when the unit was sold to someone else: why this customer claims on it."
        ),
        "officer": _l("Empty: you."),
    }

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            claim = self.shown_item(kwargs["pk"])
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
        opened: dict = {}

        def start(claim):
            opened["number"] = claim_services.start_repair(db.session, claim).number

        done = LazyString(
            lambda: gettext("Repair order %(number)s opened.", number=opened.get("number"))
        )
        return self.act_on(pk, start, done)


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
    rules = defects.DefectCodeRules()


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
    rules = defects.ClaimDefectRules()


class ExpertExaminationView(IntPkMixin, StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(ExpertExamination)
    class_permission_name = "ExpertExamination"
    state_machine = defects.EXAM_MACHINE
    rules = defects.ExaminationRules()
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
        # yes, no, or not stated (a tick box could not say "not stated", as the API can)
        "defect_confirmed": SelectField(
            _l("Defect confirmed"),
            choices=[("", ""), ("yes", _l("Yes")), ("no", _l("No"))],
            coerce=_yes_no,
            validators=[Optional()],
        ),
    }
