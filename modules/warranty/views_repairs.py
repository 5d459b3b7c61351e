"""Repair order screens: the list with days left, the repair's page (lines, inspection,
loaner, billing, documents), overdue repairs, checklists, inspections and their report."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select

from app import policy
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import VIEW_METHOD_PERMISSIONS
from app.views import AppModelView, StateMachineViewMixin
from modules.inventory.models import Part
from modules.inventory.services.catalog import fitting_parts
from modules.warranty import pdf
from modules.warranty.models import (
    BILLING_TYPES,
    CHECKLIST_KINDS,
    INSPECTION_RESULTS,
    OPEN_STATES,
    PART_LINE_STATES,
    REPAIR_STATES,
    REPAIR_TYPES,
    WARRANTY_STATUSES,
    Loaner,
    LoanerLoan,
    RepairLabourLine,
    RepairOrder,
    RepairPartLine,
)
from modules.warranty.services import inspections, logistics, repairs
from modules.warranty.views_units import LABELS as UNIT_LABELS
from modules.warranty.views_units import TEMPLATES, pdf_response, status_badge
from modules.warranty.web import (
    can_see_repair,
    check_technician,
    date_value,
)

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
    "quote_amount": _l("Quote"),
    "quote_sent_on": _l("Quote sent on"),
    "customer_decision_on": _l("Customer's answer on"),
    "supplier_fault": _l("Supplier at fault"),
    "recovery_supplier": _l("Recover the cost from"),
    "ready_on": _l("Ready on"),
    "returned_on": _l("Returned on"),
    "closed_at": _l("Closed (UTC)"),
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
    "at": _l("When (UTC)"),
    "sequence": _l("Order"),
    "text": _l("Item"),
    "required": _l("Required"),
    "checklist": _l("Checklist"),
}


def days_left_badge(value) -> Markup | str:
    if value is None:
        return ""
    if value < 0:
        return Markup('<span class="label label-danger wty-overdue">{}</span>').format(
            ngettext("%(num)s day overdue", "%(num)s days overdue", -value)
        )
    cls = "warning" if value <= 5 else "default"
    return Markup('<span class="label label-{}">{}</span>').format(cls, value)


class OverdueFilter(BaseFilter):
    name = "overdue"
    arg_name = "overdue"

    def apply(self, query, value):
        return query.filter(RepairOrder.state.in_(OPEN_STATES), RepairOrder.due_date < date.today())


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
    state_machine = repairs.REPAIR_MACHINE
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
    order_columns = ["number", "state", "intake_date", "due_date"]
    base_order = ("id", "desc")
    formatters_columns = {
        "state": REPAIR_STATES.label,
        "billing_type": BILLING_TYPES.label,
        "repair_type": REPAIR_TYPES.label,
        "warranty_status": lambda v: status_badge(v) if v else "",
        "days_left": days_left_badge,
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "repair_type": REPAIR_TYPES.select_field(_l("Repair type")),
    }
    description_columns = {
        "technician": _l("Leave empty to take the repair yourself (technicians)."),
        "warehouse": _l("Where the parts for this repair are reserved from."),
    }

    def apply_transition(self, session, item, action, comment):
        repairs.transition(session, item, action, comment)

    def shown_transitions(self, item, transitions):
        # only a paid repair goes through a quote and the customer's decision
        quote_steps = {"send_quote", "approve", "refuse"}
        if item.billing_type == "paid":
            return transitions
        return [t for t in transitions if t.name not in quote_steps]

    def pre_add(self, item):
        check_technician(item)
        repairs.create_repair(db.session, item)

    def pre_update(self, item):
        if item.state in ("returned", "cancelled"):
            raise DomainError(_l("A closed repair order cannot be changed."), status=409)
        check_technician(item)
        repairs.update_intake(db.session, item)

    def pre_delete(self, item):
        raise DomainError(_l("Repair orders are not deleted: cancel them."), status=409)

    def render_template(self, template, **kwargs):
        if str(kwargs.get("pk") or "").isdigit():
            kwargs["pk"] = int(kwargs["pk"])  # the core's file panel compares it to an integer
        if template == self.show_template and kwargs.get("pk") is not None:
            repair = self.datamodel.get(kwargs["pk"], self._base_filters)
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
        kw["ro_editable"] = repair.state in repairs.EDITABLE_STATES and sm.has_access(
            "can_write", "RepairOrder"
        )
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

    def _act(self, pk, fn, done):
        repair = self.datamodel.get(pk, self._base_filters)
        if repair is None:
            abort(404)
        try:
            fn(repair)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            flash(str(err.message), "danger")
        else:
            flash(str(done), "success")
        return redirect(url_for(f"{self.endpoint}.show", pk=pk))

    @expose("/add_part/<int:pk>", methods=["POST"])
    @has_access
    def add_part(self, pk):
        f = request.form

        def go(repair):
            part_id = None
            sku = (f.get("sku") or "").strip()
            if sku:
                part_id = db.session.scalar(select(Part.id).where(Part.sku == sku))
            elif (f.get("part") or "").isdigit():
                part_id = int(f["part"]) if int(f["part"]) < 2**31 else None
            if part_id is None:
                raise DomainError(_l("No such part."), field="part")
            repairs.add_part_line(
                db.session,
                repair,
                part_id,
                (f.get("quantity") or "").replace(",", "."),
                unit_price=(f.get("unit_price") or "").replace(",", ".") or None,
                supplier_fault=bool(f.get("supplier_fault")),
            )

        return self._act(pk, go, _l("Part added."))

    @expose("/remove_part/<int:pk>/<int:line_id>", methods=["POST"])
    @has_access
    def remove_part(self, pk, line_id):
        def go(repair):
            line = db.session.get(RepairPartLine, line_id)
            if line is None or line.repair_id != repair.id:
                raise DomainError(_l("No such line."), status=404)
            repairs.remove_part_line(db.session, line)

        return self._act(pk, go, _l("Part removed; its reservation is released."))

    @expose("/add_labour/<int:pk>", methods=["POST"])
    @has_access
    def add_labour(self, pk):
        f = request.form
        return self._act(
            pk,
            lambda r: repairs.add_labour_line(
                db.session,
                r,
                f.get("description", ""),
                (f.get("hours") or "").replace(",", "."),
                (f.get("rate") or "").replace(",", ".") or None,
            ),
            _l("Work added."),
        )

    @expose("/inspect/<int:pk>", methods=["POST"])
    @has_access
    def inspect(self, pk):
        f = request.form
        kind = f.get("kind", "final")

        def go(repair):
            checklist = inspections.checklist_for(db.session, repair, kind)
            results = {}
            if checklist is not None:
                results = {it.id: bool(f.get(f"item_{it.id}")) for it in checklist.items}
            passed = None if checklist is not None and checklist.items else f.get("passed") == "1"
            inspections.record_inspection(
                db.session,
                repair,
                kind,
                results=results,
                passed=passed,
                notes=f.get("notes"),
            )

        return self._act(pk, go, _l("Inspection recorded."))

    @expose("/billing/<int:pk>", methods=["POST"])
    @has_access
    def billing(self, pk):
        f = request.form
        return self._act(
            pk,
            lambda r: repairs.override_billing(
                db.session, r, f.get("billing_type", ""), f.get("reason", "")
            ),
            _l("Billing changed."),
        )

    @expose("/lend/<int:pk>", methods=["POST"])
    @has_access
    @policy.requires("can_write", "LoanerLoan")
    def lend(self, pk):
        f = request.form
        loaner = f.get("loaner", "")
        return self._act(
            pk,
            lambda r: logistics.lend_loaner(
                db.session,
                r,
                int(loaner) if loaner.isdigit() and int(loaner) < 2**31 else None,
                requested_on=date_value(f.get("requested_on") or None, "requested_on"),
                condition_out=f.get("condition_out") or None,
            ),
            _l("Substitute unit lent."),
        )

    @expose("/return_loan/<int:pk>/<int:loan_id>", methods=["POST"])
    @has_access
    @policy.requires("can_write", "LoanerLoan")
    def return_loan(self, pk, loan_id):
        f = request.form

        def go(repair):
            loan = db.session.get(LoanerLoan, loan_id)
            if loan is None or loan.repair_id != repair.id:
                raise DomainError(_l("No such loan."), status=404)
            logistics.return_loaner(
                db.session,
                loan,
                condition_back=f.get("condition_back"),
                needs_maintenance=bool(f.get("needs_maintenance")),
            )

        return self._act(pk, go, _l("Substitute unit returned."))

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
    ]
    list_title = _l("Overdue repairs")
    base_order = ("due_date", "asc")


class RepairPartLineView(AppModelView):
    datamodel = AppInterface(RepairPartLine)
    class_permission_name = "RepairOrder"
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

    def pre_add(self, item):
        with db.session.no_autoflush:
            if not can_see_repair(item.repair):
                raise DomainError(_l("No such repair order."), field="repair", status=404)
        repairs.attach_part_line(db.session, item)

    def pre_update(self, item):
        raise DomainError(_l("Lines are not edited: remove the line and add it again."), status=409)

    def pre_delete(self, item):
        raise DomainError(_l("Remove lines from the repair order's page."), status=409)


class RepairLabourLineView(AppModelView):
    datamodel = AppInterface(RepairLabourLine)
    class_permission_name = "RepairOrder"
    list_title = _l("Labour on repairs")
    show_title = _l("Labour line")
    label_columns = LABELS
    list_columns = ["repair", "description", "technician", "performed_on", "hours", "rate"]
    add_columns = list_columns
    edit_columns = ["description"]
    show_columns = list_columns
    search_columns = ["performed_on", "description"]

    def pre_add(self, item):
        with db.session.no_autoflush:
            if not can_see_repair(item.repair):
                raise DomainError(_l("No such repair order."), field="repair", status=404)
        repairs.attach_labour_line(db.session, item)

    def pre_update(self, item):
        raise DomainError(_l("Lines are not edited: remove the line and add it again."), status=409)

    def pre_delete(self, item):
        raise DomainError(_l("Remove lines from the repair order's page."), status=409)
