"""Contract screens and menu (thin: rules are in services/)."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

from flask import flash, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from markupsafe import Markup, escape
from wtforms import TimeField
from wtforms.validators import DataRequired

from app.board import LIST_TEMPLATE
from app.datamodel import AppInterface
from app.db import db, utcnow
from app.formats import ZONE
from app.insights import QuickFilter
from app.registry import MenuEntry
from app.security import ACCOUNTANT, SERVICE_MANAGER, TECHNICIAN, VIEWER
from app.surface import Surface
from app.views import AppModelView, StateMachineViewMixin, date_arg
from modules.contracts import services
from modules.contracts.models import (
    BILLING_PERIODS,
    CONTRACT_KINDS,
    CONTRACT_STATES,
    CONTRACT_TERMS,
    REIMBURSEMENT_STATES,
    SLA_CALENDARS,
    VISIT_STATES,
    BillingLine,
    ContractCoverage,
    DealerReimbursement,
    ScheduledVisit,
    ServiceContract,
)
from modules.contracts.services import life, reimbursements, sla, visits

TEMPLATES = str(Path(__file__).parent / "templates")

LABELS = {
    "number": _l("Number"),
    "title": _l("Title"),
    "kind": _l("Kind"),
    "partner": _l("Party"),
    "manager": _l("Responsible manager"),
    "state": _l("Stage"),
    "state_since": _l("In this stage since (%(zone)s)", zone=ZONE),
    "stage": _l("Stage"),
    "start_date": _p("date", "Start"),
    "end_date": _l("End"),
    "auto_renew": _l("Renews automatically"),
    "notice_days": _l("Notice period, days"),
    "signed_on": _l("Signed on"),
    "terminated_on": _l("Terminated on"),
    "previous": _l("Previous period"),
    "price": _l("Price of the term"),
    "billing_period": _l("Billing period"),
    "covers_parts": _l("Covers parts"),
    "covers_labour": _l("Covers labour"),
    "covers_travel": _l("Covers travel"),
    "visits_per_year": _l("Visits per year"),
    "response_hours": _l("Response within, hours"),
    "resolution_hours": _l("Resolution within, hours"),
    "sla_calendar": _l("SLA clock"),
    "business_from": _l("Business hours from"),
    "business_to": _l("Business hours to"),
    "timezone": _l("Time zone"),
    "labour_rate": _l("Labour rate reimbursed, per hour"),
    "parts_discount_pct": _l("Parts discount, %"),
    "reporting_duties": _l("Reporting duties"),
    "notes": _l("Notes"),
    "created_at": _l("Created"),
    "contract": _l("Contract"),
    "equipment_model": _l("Equipment model"),
    "unit": _p("sold unit", "Unit"),
    "note": _l("Note"),
    "seq": _l("No."),
    "period_start": _l("Period start"),
    "period_end": _l("Period end"),
    "amount": _l("Amount"),
    "planned_on": _l("Planned on"),
    "technician": _l("Technician"),
    "done_on": _l("Done on"),
    "hours": _l("Hours"),
    "work_done": _l("Work done"),
    "dealer_ref": _l("Dealer's reference"),
    "work_date": _l("Date of the work"),
    "description": _l("Work"),
    "labour_hours": _l("Labour hours"),
    "parts_amount": _l("Parts at list price"),
    "labour_amount": _l("Labour reimbursed"),
    "parts_reimbursed": _l("Parts reimbursed"),
    "total": _l("Total reimbursed"),
    "decided_on": _l("Decided on"),
}


def stage_cell(value) -> Markup:
    """`ServiceContract.stage()` -> the stage, flagged "stuck" when a contract not yet
    signed has not moved for the stuck period."""
    state, since = value
    label = escape(CONTRACT_STATES.label(state))
    limit = utcnow() - timedelta(days=life.stuck_days())
    if state in life.EDITABLE_STATES and since is not None and since < limit:
        return Markup('{} <span class="label label-warning as-stuck">{}</span>').format(
            label, str(_l("stuck"))
        )
    return label


class ContractCoverageView(AppModelView):
    datamodel = AppInterface(ContractCoverage)
    class_permission_name = "ContractCoverage"
    list_title = _l("Coverage lines")
    show_title = _l("Coverage line")
    add_title = _l("Add a coverage line")
    edit_title = _l("Edit coverage line")
    label_columns = LABELS
    list_columns = ["contract", "equipment_model", "unit", "note"]
    add_columns = edit_columns = show_columns = list_columns
    description_columns = {
        "equipment_model": _l("Every unit of this model owned (or sold) by the contract's party."),
        "unit": _l("Or one listed unit."),
    }
    rules = life.CoverageRules()


class BillingLineView(AppModelView):
    datamodel = AppInterface(BillingLine)
    class_permission_name = "BillingLine"
    base_permissions = ["can_read"]
    list_title = _l("Billing schedule")
    show_title = _l("Instalment")
    label_columns = LABELS
    list_columns = ["contract", "seq", "period_start", "period_end", "amount"]
    show_columns = list_columns
    search_columns = ["period_start", "period_end", "amount"]
    base_order = ("period_start", "asc")


class ScheduledVisitView(StateMachineViewMixin, AppModelView):
    """Visits; a technician sees his own (and those of colleagues he stands in for)."""

    surface = Surface(
        name="",
        head=("contract", "unit", "planned_on", "technician", "done_on"),
        work=("work_done",),
    )
    datamodel = AppInterface(ScheduledVisit)
    class_permission_name = "ScheduledVisit"
    state_machine = visits.VISIT_MACHINE
    rules = visits.VisitRules()
    base_filters = [["id", QuickFilter, visits.QUICK_FILTERS]]
    list_title = _l("Scheduled visits")
    show_title = _l("Scheduled visit")
    add_title = _l("Plan a visit")
    edit_title = _l("Edit visit")
    label_columns = LABELS
    list_columns = ["planned_on", "contract", "unit", "technician", "state", "done_on"]
    show_columns = [
        "contract",
        "seq",
        "unit",
        "planned_on",
        "technician",
        "state",
        "done_on",
        "hours",
        "work_done",
        "notes",
    ]
    add_columns = ["contract", "unit", "planned_on", "technician", "notes"]
    edit_columns = ["unit", "planned_on", "technician", "work_done", "hours", "done_on", "notes"]
    search_columns = ["planned_on", "state", "done_on"]
    order_columns = ["planned_on", "state", "done_on"]
    base_order = ("planned_on", "asc")
    formatters_columns = {"state": VISIT_STATES.label}
    description_columns = {
        "work_done": _l("Record the work, then press Done."),
    }


class DealerReimbursementView(StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(DealerReimbursement)
    class_permission_name = "DealerReimbursement"
    state_machine = reimbursements.REIMBURSEMENT_MACHINE
    rules = reimbursements.ReimbursementRules()
    attachments = True
    list_title = _l("Dealer reimbursements")
    show_title = _l("Dealer reimbursement")
    add_title = _l("Report dealer work for reimbursement")
    edit_title = _l("Edit reimbursement request")
    label_columns = LABELS
    list_columns = ["number", "contract", "work_date", "unit", "total", "state"]
    show_columns = [
        "number",
        "contract",
        "dealer_ref",
        "unit",
        "work_date",
        "description",
        "labour_hours",
        "labour_rate",
        "labour_amount",
        "parts_amount",
        "parts_discount_pct",
        "parts_reimbursed",
        "total",
        "state",
        "decided_on",
    ]
    add_columns = edit_columns = [
        "contract",
        "dealer_ref",
        "unit",
        "work_date",
        "description",
        "labour_hours",
        "parts_amount",
    ]
    search_columns = ["number", "dealer_ref", "work_date", "state"]
    order_columns = ["number", "work_date", "state", "total"]
    base_order = ("id", "desc")
    formatters_columns = {"state": REIMBURSEMENT_STATES.label}


class ServiceContractView(StateMachineViewMixin, AppModelView):
    """Contracts: the stages as buttons (each step recorded), each stage's documents
    attached, coverage lines, visits and the billing schedule below."""

    surface = Surface(
        head=("title", "kind", "partner", "manager", "start_date", "end_date", "price")
    )
    datamodel = AppInterface(ServiceContract)
    class_permission_name = "ServiceContract"
    state_machine = services.CONTRACT_MACHINE
    rules = life.ContractRules()
    attachments = True
    list_template = LIST_TEMPLATE  # with a "Board" button
    extra_args = {"board_endpoint": "DealBoardView.board"}
    list_title = _l("Service contracts")
    show_title = _l("Service contract")
    add_title = _l("New service contract")
    edit_title = _l("Edit service contract")
    label_columns = LABELS
    list_columns = ["number", "title", "partner", "kind", "start_date", "end_date", "stage"]
    add_columns = edit_columns = list(CONTRACT_TERMS)
    show_columns = [
        "number",
        *CONTRACT_TERMS,
        "state",
        "state_since",
        "signed_on",
        "terminated_on",
        "previous",
    ]
    search_columns = ["number", "title", "kind", "state", "start_date", "end_date", "state_since"]
    order_columns = ["number", "title", "start_date", "end_date", "state_since"]
    base_order = ("id", "desc")
    related_views = [ContractCoverageView, ScheduledVisitView, BillingLineView]
    formatters_columns = {
        "kind": CONTRACT_KINDS.label,
        "state": CONTRACT_STATES.label,
        "billing_period": BILLING_PERIODS.label,
        "sla_calendar": SLA_CALENDARS.label,
        "stage": stage_cell,
    }
    add_form_extra_fields = {
        "kind": CONTRACT_KINDS.select_field(_l("Kind")),
        "billing_period": BILLING_PERIODS.select_field(_l("Billing period")),
        "sla_calendar": SLA_CALENDARS.select_field(_l("SLA clock")),
        # FAB has no form field for Time columns
        "business_from": TimeField(
            _l("Business hours from"), default=time(9, 0), validators=[DataRequired()]
        ),
        "business_to": TimeField(
            _l("Business hours to"), default=time(18, 0), validators=[DataRequired()]
        ),
    }
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "price": _l("For the whole term; billed in equal instalments per billing period."),
        "notice_days": _l("Before the end: the contract then appears on the renewal list."),
        "timezone": _l("Business hours are counted in this time zone, e.g. Europe/Moscow."),
        "labour_rate": _l("Dealer agreements: what we reimburse per hour of warranty work."),
    }


class ContractReportsView(BaseView):
    """Deal pipeline (and what is stuck), renewals, SLA breaches."""

    route_base = "/contractreports"
    template_folder = TEMPLATES
    class_permission_name = "ContractReports"
    method_permission_name = {
        "pipeline": "read",
        "renewals": "read",
        "review": "read",
        "sla": "read",
    }
    base_permissions = ["can_read"]
    default_view = "pipeline"

    @expose("/pipeline")
    @has_access
    def pipeline(self):
        return self.render_template(
            "contracts/pipeline.html",
            rows=life.pipeline(db.session),
            stuck_days=life.stuck_days(),
        )

    @expose("/renewals")
    @has_access
    def renewals(self):
        on = date_arg("date") or date.today()
        rows = [
            {
                "id": c.id,
                "number": c.number,
                "title": c.title,
                "partner": c.partner.name,
                "end_date": c.end_date,
                "notice_date": life.notice_date(c),
                "auto_renew": c.auto_renew,
                "state": CONTRACT_STATES.label(c.state),
            }
            for c in life.expiring_contracts(db.session, on)
        ]
        can_review = self.appbuilder.sm.has_access("can_write", "ServiceContract")
        return self.render_template(
            "contracts/renewals.html", rows=rows, on=on, can_review=can_review
        )

    @expose("/review", methods=["POST"])
    @has_access
    def review(self):
        if not self.appbuilder.sm.has_access("can_write", "ServiceContract"):
            flash(str(_l("Access is denied.")), "danger")
            return redirect(url_for("ContractReportsView.renewals"))
        counts = life.review_contracts(db.session)
        db.session.commit()
        flash(
            str(
                _l(
                    "Reviewed: %(expiring)s now expiring, %(renewed)s renewed, "
                    "%(expired)s expired.",
                    **counts,
                )
            ),
            "success",
        )
        return redirect(url_for("ContractReportsView.renewals"))

    @expose("/sla")
    @has_access
    def sla(self):
        d_from, d_to = date_arg("date_from"), date_arg("date_to")
        repairs = sla.contract_repairs(db.session, None, d_from, d_to)
        rows = sla.repair_sla(db.session, repairs)
        numbers = dict(
            db.session.query(ServiceContract.id, ServiceContract.number)
            .filter(ServiceContract.id.in_({r.contract_id for r in rows}))
            .all()
        )
        return self.render_template(
            "contracts/sla.html",
            rows=rows,
            numbers=numbers,
            date_from=d_from,
            date_to=d_to,
            response_breaches=sum(r.response_breached for r in rows),
            resolution_breaches=sum(r.resolution_breached for r in rows),
        )


# the board shows ServiceContractView's rows: it is defined once that view is
from modules.contracts.views_board import DealBoardView  # noqa: E402

MENU = [
    MenuEntry(
        ServiceContractView, "Service contracts", _l("Service contracts"), icon="fa-file-contract"
    ),
    MenuEntry(
        DealBoardView,
        "Deal board",
        _l("Deal board"),
        icon="fa-table-columns",
        roles=(SERVICE_MANAGER, VIEWER),
    ),
    MenuEntry(
        ContractReportsView,
        "Contract pipeline",
        _l("Deal pipeline"),
        icon="fa-filter",
        href="/contractreports/pipeline",
        roles=(SERVICE_MANAGER, VIEWER),
    ),
    MenuEntry(
        ContractReportsView,
        "Contract renewals",
        _l("Renewals"),
        icon="fa-rotate",
        href="/contractreports/renewals",
        roles=(SERVICE_MANAGER, VIEWER),
    ),
    MenuEntry(
        ContractReportsView,
        "Contract SLA",
        _l("SLA of contract repairs"),
        icon="fa-stopwatch",
        href="/contractreports/sla",
        group="reports",
    ),
    MenuEntry(
        ScheduledVisitView,
        "Scheduled visits",
        _l("Scheduled visits"),
        icon="fa-calendar-check",
        roles=(SERVICE_MANAGER, TECHNICIAN, VIEWER),
    ),
    MenuEntry(
        DealerReimbursementView,
        "Dealer reimbursements",
        _l("Dealer reimbursements"),
        icon="fa-money-bill-transfer",
    ),
    MenuEntry(
        ContractCoverageView,
        "Coverage lines",
        _l("Coverage lines"),
        icon="fa-shield",
        roles=(SERVICE_MANAGER, VIEWER),
    ),
    MenuEntry(
        BillingLineView,
        "Billing schedule",
        _l("Billing schedule"),
        icon="fa-calendar-days",
        roles=(SERVICE_MANAGER, ACCOUNTANT, VIEWER),
    ),
]
