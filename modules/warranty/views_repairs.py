"""Repair order screens: the list with days left, the repair's page (lines, inspection,
loaner, billing, documents), overdue repairs, checklists, inspections and their report."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from wtforms import DecimalField
from wtforms.validators import DataRequired, Optional

from app import filters as app_filters
from app import policy
from app.amounts import money, quantity
from app.board import LIST_TEMPLATE
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.formats import ZONE
from app.insights import QuickFilter, reader_context
from app.security import VIEW_METHOD_PERMISSIONS
from app.surface import Surface, days_left_label
from app.views import AppModelView, StateMachineViewMixin, commit_step
from app.widgets import LookupField
from modules.inventory.models import Part
from modules.inventory.services.catalog import fitting_parts
from modules.partners.models import Partner
from modules.warranty import pdf
from modules.warranty.models import (
    BILLING_TYPES,
    CHECKLIST_KINDS,
    INSPECTION_RESULTS,
    PART_LINE_STATES,
    REPAIR_STATES,
    REPAIR_TYPES,
    WARRANTY_STATUSES,
    Loaner,
    LoanerLoan,
    RepairLabourLine,
    RepairOrder,
    RepairPartLine,
    Unit,
)
from modules.warranty.services import inspections, lines, logistics, repairs
from modules.warranty.views_units import LABELS as UNIT_LABELS
from modules.warranty.views_units import TEMPLATES, pdf_response, status_badge
from modules.warranty.web import actor, page_form


def coverage_source_label(value: str | None) -> str:
    """What covers a repair, by name: a warranty layer, or a contract."""
    if value in WARRANTY_STATUSES:
        return WARRANTY_STATUSES.label(value)
    return BILLING_TYPES.label(value)


LABELS = {
    **UNIT_LABELS,
    "number": _l("Number"),
    "state": _l("State"),
    "origin": _l("Origin"),
    "repair_type": _l("Repair type"),
    "intake_date": _l("Intake date"),
    "reported_defect": _l("Reported defect"),
    "condition": _l("Condition at intake"),
    "accessories": _l("Accessories received"),
    "due_date": _l("Legal deadline"),
    "days_left": _l("Days left"),
    "technician": _l("Technician"),
    "warehouse": _l("Parts warehouse"),
    "diagnosis": _l("Diagnosis"),
    "work_done": _l("Work done"),
    "warranty_status": _l("Warranty at intake"),
    "warranty_end": _l("Warranty end"),
    "billing_type": _l("Billing"),
    "billing_overridden": _l("Billing set by hand"),
    "billing_reason": _l("Reason for the billing"),
    "coverage_label": _l("Covered by"),
    "coverage_source": _l("Coverage basis"),
    "quote_amount": _l("Quote"),
    "approved_amount": _l("Approved by the customer"),
    "quote_sent_on": _l("Quote sent on"),
    "customer_decision_on": _l("Customer's answer on"),
    "supplier_fault": _l("Supplier at fault"),
    "recovery_supplier": _l("Recover the cost from"),
    "ready_on": _l("Ready on"),
    "returned_on": _l("Returned on"),
    "closed_at": _l("Closed (%(zone)s)", zone=ZONE),
    "total": _l("Total"),
    "repair": _l("Repair order"),
    "part": _l("Part"),
    "quantity": _l("Quantity"),
    "unit_price": _l("Unit price"),
    "unit_cost": _l("Unit cost"),
    "amount": _l("Amount"),
    "description": _l("Work"),
    "performed_on": _l("Date"),
    "hours": _l("Hours"),
    "rate": _l("Rate"),
    "kind": _l("Kind"),
    "result": _l("Result"),
    "inspector": _l("Inspector"),
    "at": _l("When (%(zone)s)", zone=ZONE),
    "sequence": _l("Order"),
    "text": _l("Item"),
    "required": _l("Required"),
    "checklist": _l("Checklist"),
}


TYPED = {"decimal_comma": True}  # numbers typed on a page may use the decimal comma
OPTIONAL = {**TYPED, "required": False}


def days_left_badge(value) -> Markup | str:
    """A list's or board's days-left cell: the record header's badge, short."""
    return days_left_label(value, short=True)


class OverdueFilter(BaseFilter):
    """The overdue repairs list: the rows the dashboard's figure counts."""

    name = "overdue"
    arg_name = "overdue"

    def apply(self, query, value):
        return query.filter(repairs.repair_overdue(reader_context()))


_LIST = [
    "number",
    "unit",
    "customer",
    "technician",
    "state",
    "billing_type",
    "intake_date",
    "due_date",
    "days_left",
]
_INTAKE = [
    "customer",
    "unit",
    "reported_defect",
    "condition",
    "accessories",
    "intake_date",
    "repair_type",
    "technician",
    "warehouse",
    "notes",
]


class RepairOrderView(StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(RepairOrder)
    class_permission_name = "RepairOrder"
    method_permission_name = {
        **VIEW_METHOD_PERMISSIONS,
        "add_part": "write",
        "remove_part": "write",
        "add_labour": "write",
        "inspect": "write",
        "lend": "write",
        "return_loan": "write",
        "billing": "override_billing",
        "acceptance": "read",
        "completion": "read",
    }
    template_folder = TEMPLATES
    show_template = "warranty/repair_show.html"
    attachments = True
    surface = Surface(
        head=("customer", "unit", "technician", "repair_type", "intake_date", "reported_defect"),
        work=("diagnosis", "work_done"),
        elsewhere=("billing_type", "due_date", "warranty_status", "coverage_label"),
    )
    state_machine = repairs.REPAIR_MACHINE
    rules = repairs.RepairRules()
    part_rules = lines.PartLineRules()
    labour_rules = lines.LabourLineRules()
    inspection_rules = inspections.InspectionRules()
    loan_rules = logistics.LoanRules()
    base_filters = [["id", QuickFilter, repairs.QUICK_FILTERS]]
    list_template = LIST_TEMPLATE  # with a "Board" button
    extra_args = {"board_endpoint": "RepairBoardView.board"}
    list_title = _l("Repair orders")
    show_title = _l("Repair order")
    add_title = _l("Repair intake")
    edit_title = _l("Edit repair order")
    label_columns = LABELS
    list_columns = _LIST
    add_columns = _INTAKE
    edit_columns = [
        "reported_defect",
        "condition",
        "accessories",
        "diagnosis",
        "work_done",
        "repair_type",
        "technician",
        "warehouse",
        "quote_amount",
        "supplier_fault",
        "recovery_supplier",
        "notes",
    ]
    show_columns = [
        "number",
        "state",
        "unit",
        "customer",
        "origin",
        "repair_type",
        "intake_date",
        "reported_defect",
        "condition",
        "accessories",
        "technician",
        "warehouse",
        "diagnosis",
        "work_done",
        "warranty_status",
        "billing_type",
        "coverage_label",
        "billing_reason",
        "quote_amount",
        "quote_sent_on",
        "approved_amount",
        "customer_decision_on",
        "supplier_fault",
        "recovery_supplier",
        "due_date",
        "ready_on",
        "returned_on",
        "notes",
    ]
    search_columns = [
        "number",
        "state",
        "billing_type",
        "intake_date",
        "due_date",
        "origin",
        "reported_defect",
    ]
    search_filters = {
        "unit": app_filters.text_filters("serial_number", label=_l("Serial number")),
        "customer": app_filters.name_filters(),
        "technician": app_filters.person_filters(),
    }
    order_columns = ["number", "state", "intake_date", "due_date"]
    base_order = ("id", "desc")
    formatters_columns = {
        "state": REPAIR_STATES.label,
        "billing_type": BILLING_TYPES.label,
        "repair_type": REPAIR_TYPES.label,
        "warranty_status": lambda v: status_badge(v) if v else "",
        "days_left": days_left_badge,
        "coverage_source": coverage_source_label,
    }
    edit_form_extra_fields = {"repair_type": REPAIR_TYPES.select_field(_l("Repair type"))}
    add_form_extra_fields = {
        **edit_form_extra_fields,
        # empty: the unit's owner; chosen first, the unit lookup offers his units, and
        # a unit picked first fills him in
        "customer": LookupField(
            LABELS["customer"],
            [Optional()],
            model=Partner,
            description=_l("Empty: the unit's owner."),
        ),
        "unit": LookupField(
            LABELS["unit"], [DataRequired()], model=Unit, depends={"customer": "customer_id"}
        ),
    }
    description_columns = {
        "technician": _l("Leave empty to take the repair yourself (technicians)."),
        "warehouse": _l("Where the parts for this repair are reserved from."),
        "quote_amount": _l(
            "Sent to the customer with “Send quote” (at least the repair's total); "
            "a paid repair charges no more than he approves."
        ),
    }

    def shown_transitions(self, item, transitions):
        # only a paid repair goes through a quote and the customer's decision; after
        # the first one, a new quote is offered when the total is above the approved
        if item.billing_type != "paid":
            return [t for t in transitions if t.name not in ("send_quote", "approve", "refuse")]
        if item.state == "diagnosing" or item.total > repairs.quote_limit(item):
            return transitions
        return [t for t in transitions if t.name != "send_quote"]

    def render_template(self, template, **kwargs):
        if str(kwargs.get("pk") or "").isdigit():
            kwargs["pk"] = int(kwargs["pk"])  # the core's file panel compares it to an integer
        if template == self.show_template and kwargs.get("pk") is not None:
            repair = self.shown_item(kwargs["pk"])
            if repair is not None:
                self._show_context(repair, kwargs)
        return super().render_template(template, **kwargs)

    def _show_context(self, repair: RepairOrder, kw: dict) -> None:
        sm = self.appbuilder.sm
        kw["ro"] = repair
        kw["ro_days_left"] = days_left_badge(repair.days_left)
        dl = repairs.repair_deadline(db.session, repair)
        kw["ro_basis"] = dl.basis if dl else ""
        kw["ro_void"] = repair.unit.active_void
        kw["ro_who_pays"] = repairs.who_pays(repair)
        kw["ro_quote_limit"] = (
            repairs.quote_limit(repair) if repair.billing_type == "paid" else None
        )
        kw["ro_editable"] = repair.state in lines.EDITABLE_STATES and sm.has_access(
            "can_write", "RepairOrder"
        )
        who = actor()
        kw["ro_may_sign"] = {
            kind: self.inspection_rules.may_sign(repair, kind, who) for kind in ("intake", "final")
        }
        kw["ro_can_billing"] = sm.has_access("can_override_billing", "RepairOrder")
        kw["ro_sees_costs"] = "unit_cost" not in policy.hidden(RepairPartLine)
        kw["line_states"] = PART_LINE_STATES
        kw["billing_types"] = BILLING_TYPES
        kw["warranty_statuses"] = WARRANTY_STATUSES
        kw["inspection_results"] = INSPECTION_RESULTS
        kw["checklist_kinds"] = CHECKLIST_KINDS
        kw["fitting"] = fitting_parts(db.session, repair.unit.equipment_model_id)
        kw["final_checklist"] = inspections.checklist_for(db.session, repair, "final")
        kw["intake_checklist"] = inspections.checklist_for(db.session, repair, "intake")
        kw["loan"] = repairs.loaner_out(db.session, repair.id)
        kw["loans"] = (
            db.session.query(LoanerLoan)
            .filter(LoanerLoan.repair_id == repair.id)
            .order_by(LoanerLoan.id)
            .all()
        )
        kw["can_return"] = sm.has_access("can_write", "LoanerLoan")
        kw["can_lend"] = kw["can_return"] and repair.state in logistics.LOAN_STATES_OPEN
        kw["loaners"] = (
            db.session.query(Loaner)
            .filter(Loaner.state == "available", Loaner.active.is_(True))
            .order_by(Loaner.code)
            .limit(100)
            .all()
            if kw["can_lend"]
            else []
        )

    @expose("/add_part/<int:pk>", methods=["POST"])
    @has_access
    def add_part(self, pk):
        def go(repair):
            f = page_form("sku", "part", "quantity", "unit_price", "supplier_fault")
            part = None
            if f["sku"]:
                part = db.session.scalar(select(Part).where(Part.sku == f["sku"]))
            elif (f["part"] or "").isdigit() and int(f["part"]) < 2**31:
                part = db.session.get(Part, int(f["part"]))
            line = RepairPartLine(
                repair=repair,
                part=part,
                quantity=quantity(f["quantity"], "quantity", label=LABELS["quantity"], **TYPED),
                unit_price=money(
                    f["unit_price"], "unit_price", label=LABELS["unit_price"], **OPTIONAL
                ),
                supplier_fault=bool(f["supplier_fault"]),
            )
            self.part_rules.create(db.session, line, actor())

        return self.act_on(pk, go, _l("Part added."))

    @expose("/remove_part/<int:pk>/<int:line_id>", methods=["POST"])
    @has_access
    def remove_part(self, pk, line_id):
        def go(repair):
            line = db.session.get(RepairPartLine, line_id)
            if line is None or line.repair_id != repair.id:
                raise DomainError(_l("No such line."), status=404)
            self.part_rules.remove(db.session, line, actor())

        return self.act_on(pk, go, _l("Part removed; its reservation is released."))

    @expose("/add_labour/<int:pk>", methods=["POST"])
    @has_access
    def add_labour(self, pk):
        def go(repair):
            f = page_form("description", "hours", "rate")
            line = RepairLabourLine(
                repair=repair,
                description=f["description"],
                hours=quantity(f["hours"], "hours", label=LABELS["hours"], **TYPED),
                rate=money(f["rate"], "rate", label=LABELS["rate"], **OPTIONAL),
            )
            self.labour_rules.create(db.session, line, actor())

        return self.act_on(pk, go, _l("Work added."))

    @expose("/inspect/<int:pk>", methods=["POST"])
    @has_access
    def inspect(self, pk):
        def go(repair):
            f = request.form
            kind = f.get("kind") or "final"
            checklist = inspections.checklist_for(db.session, repair, kind)
            items = checklist.items if checklist is not None else []
            data = {
                "kind": kind,
                # a box left unticked is an item not passed: the page answers every item
                "results": {it.id: bool(f.get(f"item_{it.id}")) for it in items},
                "passed": None if items else f.get("passed") == "1",
                "notes": f.get("notes"),
            }
            self.inspection_rules.record(db.session, repair, data, actor())

        return self.act_on(pk, go, _l("Inspection recorded."))

    @expose("/billing/<int:pk>", methods=["POST"])
    @has_access
    def billing(self, pk):
        def go(repair):
            f = page_form("billing_type", "reason")
            repairs.override_billing(db.session, repair, f["billing_type"] or "", f["reason"])

        return self.act_on(pk, go, _l("Billing changed."))

    @expose("/lend/<int:pk>", methods=["POST"])
    @has_access
    @policy.requires("can_write", "LoanerLoan")
    def lend(self, pk):
        def go(repair):
            f = page_form("loaner", "condition_out", dates=("requested_on",))
            loaner = f["loaner"] or ""
            loan = LoanerLoan(
                repair=repair,
                loaner=db.session.get(Loaner, int(loaner))
                if loaner.isdigit() and int(loaner) < 2**31
                else None,
                requested_on=f["requested_on"],
                condition_out=f["condition_out"],
            )
            self.loan_rules.create(db.session, loan, actor())

        return self.act_on(pk, go, _l("Substitute unit lent."))

    @expose("/return_loan/<int:pk>/<int:loan_id>", methods=["POST"])
    @has_access
    @policy.requires("can_write", "LoanerLoan")
    def return_loan(self, pk, loan_id):
        def go(repair):
            loan = db.session.get(LoanerLoan, loan_id)
            if loan is None or loan.repair_id != repair.id:
                raise DomainError(_l("No such loan."), status=404)
            f = page_form("condition_back", "needs_maintenance")
            data = {**f, "needs_maintenance": bool(f["needs_maintenance"])}
            self.loan_rules.give_back(db.session, loan, data, actor())

        return self.act_on(pk, go, _l("Substitute unit returned."))

    def _pdf(self, pk, build, name):
        repair = self.datamodel.get(pk, self._base_filters)
        if repair is None:
            abort(404)
        try:
            body = build(db.session, repair)
        except DomainError as err:
            flash(str(err.message), "danger")
            return redirect(url_for(f"{self.endpoint}.show", pk=pk))
        return pdf_response(body, f"{name}-{repair.number}.pdf")

    @expose("/acceptance/<int:pk>")
    @has_access
    def acceptance(self, pk):
        return self._pdf(pk, pdf.acceptance_act, "acceptance-act")

    @expose("/completion/<int:pk>")
    @has_access
    def completion(self, pk):
        return self._pdf(pk, pdf.completion_act, "completion-act")


class OverdueRepairView(RepairOrderView):
    """Open repair orders past their legal deadline."""

    base_filters = [
        ["due_date", OverdueFilter, None],
        ["id", QuickFilter, repairs.QUICK_FILTERS],
    ]
    list_title = _l("Overdue repairs")
    base_order = ("due_date", "asc")


class RepairPartLineView(AppModelView):
    datamodel = AppInterface(RepairPartLine)
    class_permission_name = "RepairOrder"
    rules = lines.PartLineRules()
    list_title = _l("Parts used on repairs")
    show_title = _l("Part line")
    label_columns = LABELS
    list_columns = ["repair", "part", "quantity", "unit_price", "unit_cost", "state"]
    add_columns = [
        "repair",
        "part",
        "warehouse",
        "quantity",
        "unit_price",
        "supplier_fault",
        "note",
    ]
    edit_columns = ["note"]
    show_columns = [*list_columns, "warehouse", "supplier_fault", "note"]
    search_columns = ["state", "supplier_fault"]
    formatters_columns = {"state": PART_LINE_STATES.label}
    add_form_extra_fields = {  # empty, not the column's 0.00: the part's price applies
        "unit_price": DecimalField(
            LABELS["unit_price"],
            places=2,
            validators=[Optional()],
            description=_l("Empty: the part's sale price."),
        )
    }

    def _delete(self, pk):
        """Deleting a part line takes it off its repair (its stock released; the line
        stays, released), as the API's DELETE does."""
        line = self.datamodel.get(pk, self._base_filters)
        if line is None:
            abort(404)
        commit_step(
            lambda: self.rules.remove(db.session, line, actor()),
            _l("Part removed; its reservation is released."),
        )
        self.update_redirect()


class RepairLabourLineView(AppModelView):
    datamodel = AppInterface(RepairLabourLine)
    class_permission_name = "RepairOrder"
    rules = lines.LabourLineRules()
    list_title = _l("Labour on repairs")
    show_title = _l("Labour line")
    label_columns = LABELS
    list_columns = ["repair", "description", "technician", "performed_on", "hours", "rate"]
    add_columns = list_columns
    edit_columns = ["description"]
    show_columns = list_columns
    search_columns = ["performed_on", "description"]
    add_form_extra_fields = {  # empty, not the column's 0.00: the installation's rate applies
        "rate": DecimalField(
            LABELS["rate"],
            places=2,
            validators=[Optional()],
            description=_l("Empty: the installation's hourly rate."),
        )
    }
