"""Quality inspection screens: checklists, their items, inspections and the inspection report."""

from __future__ import annotations

from flask import flash, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.views import AppModelView
from modules.warranty.models import (
    CHECKLIST_KINDS,
    INSPECTION_RESULTS,
    REPAIR_TYPES,
    Checklist,
    ChecklistItem,
    Inspection,
)
from modules.warranty.services import inspections
from modules.warranty.views_repairs import LABELS
from modules.warranty.views_units import TEMPLATES
from modules.warranty.web import date_value


class ChecklistItemView(AppModelView):
    datamodel = AppInterface(ChecklistItem)
    class_permission_name = "Checklist"
    rules = inspections.ChecklistItemRules()
    list_title = _l("Checklist items")
    show_title = _l("Checklist item")
    add_title = _l("Add checklist item")
    edit_title = _l("Edit checklist item")
    label_columns = LABELS
    list_columns = ["checklist", "sequence", "text", "required"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["text", "required"]
    base_order = ("sequence", "asc")


class ChecklistView(AppModelView):
    datamodel = AppInterface(Checklist)
    class_permission_name = "Checklist"
    rules = inspections.ChecklistRules()
    list_title = _l("Checklists")
    show_title = _l("Checklist")
    add_title = _l("Add checklist")
    edit_title = _l("Edit checklist")
    label_columns = LABELS
    list_columns = ["name", "kind", "equipment_model", "repair_type", "active"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["name", "kind", "repair_type", "active"]
    formatters_columns = {"kind": CHECKLIST_KINDS.label, "repair_type": REPAIR_TYPES.label}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": CHECKLIST_KINDS.select_field(_l("Kind")),
        "repair_type": REPAIR_TYPES.select_field(_l("Repair type"), required=False),
    }
    description_columns = {
        "equipment_model": _l("Empty: for every model."),
        "repair_type": _l("Empty: for every repair type."),
    }
    related_views = [ChecklistItemView]


class InspectionView(AppModelView):
    datamodel = AppInterface(Inspection)
    class_permission_name = "Inspection"
    rules = inspections.InspectionRules()
    base_permissions = ["can_read"]
    list_title = _l("Inspections")
    show_title = _l("Inspection")
    label_columns = LABELS
    list_columns = ["repair", "kind", "result", "inspector", "technician", "at"]
    show_columns = [*list_columns, "checklist", "notes"]
    search_columns = ["kind", "result", "at"]
    base_order = ("id", "desc")
    formatters_columns = {"kind": CHECKLIST_KINDS.label, "result": INSPECTION_RESULTS.label}


class InspectionReportView(BaseView):
    """Failed final inspections per technician over a period."""

    route_base = "/warrantyinspections"
    template_folder = TEMPLATES
    class_permission_name = "Inspection"
    method_permission_name = {"failures": "read"}
    base_permissions = ["can_read"]
    default_view = "failures"

    @expose("/failures")
    @has_access
    def failures(self):
        try:
            d_from = date_value(request.args.get("date_from") or None, "date_from")
            d_to = date_value(request.args.get("date_to") or None, "date_to")
        except DomainError as err:
            flash(str(err.message), "danger")
            d_from = d_to = None
        rows = inspections.failed_inspections_by_technician(db.session, d_from, d_to)
        return self.render_template(
            "warranty/failures.html", rows=rows, date_from=d_from, date_to=d_to
        )
