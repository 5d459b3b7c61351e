"""Screens for units, warranty policies, extended warranties and voids."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, flash, redirect, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from markupsafe import Markup, escape

from app import filters as app_filters
from app import policy, search
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.formats import ZONE
from app.security import VIEW_METHOD_PERMISSIONS, WRITE
from app.surface import Surface
from app.views import AppModelView
from modules.warranty.models import (
    BILLING_TYPES,
    REPAIR_STATES,
    WARRANTY_STARTS,
    WARRANTY_STATUSES,
    ExtendedWarranty,
    RepairOrder,
    Unit,
    WarrantyPolicy,
    WarrantyVoid,
)
from modules.warranty.services import status, units
from modules.warranty.web import actor, page_form

TEMPLATES = str(Path(__file__).parent / "templates")

LABELS = {
    "serial_number": _l("Serial number"),
    "equipment_model": _l("Equipment model"),
    "customer": _l("Customer"),
    "dealer": _l("Selling dealer"),
    "policy": _l("Warranty policy"),
    "sale_date": _l("Sale date"),
    "handover_date": _l("Handover / installation"),
    "price": _l("Price"),
    "sales_ref": _l("Sales system reference"),
    "notes": _l("Notes"),
    "active": _l("Active"),
    "created_at": _l("Created (%(zone)s)", zone=ZONE),
    "name": _l("Name"),
    "category": _l("Category"),
    "statutory_months": _l("Statutory warranty, months"),
    "manufacturer_months": _l("Manufacturer's warranty, months"),
    "starts_at": _l("Warranty starts at"),
    "covers_parts": _l("Covers parts"),
    "covers_labour": _l("Covers labour"),
    "covers_transport": _l("Covers transport"),
    "unit": _p("sold unit", "Unit"),
    "reference": _l("Reference"),
    "sold_on": _l("Sold on"),
    "start_date": _p("date", "Start"),
    "end_date": _l("End"),
    "cancelled": _l("Cancelled"),
    "voided_on": _l("Voided on"),
    "reason": _l("Reason"),
    "document": _l("Supporting document"),
    "voided_by": _l("Voided by"),
    "reinstated_on": _l("Reinstated on"),
    "reinstate_reason": _l("Reason for reinstating"),
    "reinstated_by": _l("Reinstated by"),
}


def pdf_response(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def status_badge(code: str) -> Markup:
    cls = {
        "statutory": "success",
        "manufacturer": "success",
        "extended": "info",
        "expired": "default",
        "voided": "danger",
    }.get(code, "default")
    return Markup('<span class="label label-{}">{}</span>').format(
        cls, escape(WARRANTY_STATUSES.label(code))
    )


class WarrantyPolicyView(AppModelView):
    datamodel = AppInterface(WarrantyPolicy)
    class_permission_name = "WarrantyPolicy"
    rules = units.WarrantyPolicyRules()
    list_title = _l("Warranty policies")
    show_title = _l("Warranty policy")
    add_title = _l("Add warranty policy")
    edit_title = _l("Edit warranty policy")
    label_columns = LABELS
    list_columns = [
        "name",
        "equipment_model",
        "category",
        "statutory_months",
        "manufacturer_months",
        "starts_at",
        "active",
    ]
    add_columns = edit_columns = show_columns = [
        "name",
        "equipment_model",
        "category",
        "statutory_months",
        "manufacturer_months",
        "starts_at",
        "covers_parts",
        "covers_labour",
        "covers_transport",
        "notes",
        "active",
    ]
    search_columns = ["name", "category", "active"]
    formatters_columns = {"starts_at": WARRANTY_STARTS.label}
    add_form_extra_fields = edit_form_extra_fields = {
        "starts_at": WARRANTY_STARTS.select_field(_l("Warranty starts at"))
    }
    description_columns = {
        "category": _l("For every model of this category without a policy of its own."),
        "statutory_months": _l("The legal warranty; 0 when the law sets none."),
    }


class ExtendedWarrantyView(AppModelView):
    datamodel = AppInterface(ExtendedWarranty)
    class_permission_name = "ExtendedWarranty"
    rules = units.ExtendedWarrantyRules()
    list_title = _l("Extended warranties")
    show_title = _l("Extended warranty")
    add_title = _l("Sell an extended warranty")
    edit_title = _l("Edit extended warranty")
    label_columns = LABELS
    list_columns = ["unit", "reference", "start_date", "end_date", "price", "cancelled"]
    add_columns = [
        "unit",
        "reference",
        "sold_on",
        "start_date",
        "end_date",
        "price",
        "covers_parts",
        "covers_labour",
        "covers_transport",
        "notes",
    ]
    edit_columns = [*add_columns, "cancelled"]
    show_columns = edit_columns
    search_columns = ["reference", "start_date", "end_date", "cancelled"]
    base_order = ("id", "desc")


class WarrantyVoidView(AppModelView):
    datamodel = AppInterface(WarrantyVoid)
    class_permission_name = "WarrantyVoid"
    rules = units.WarrantyVoidRules()
    base_permissions = ["can_read"]
    list_title = _l("Voided warranties")
    show_title = _l("Voided warranty")
    label_columns = LABELS
    list_columns = ["unit", "voided_on", "reason", "voided_by", "reinstated_on"]
    show_columns = [
        "unit",
        "voided_on",
        "reason",
        "document",
        "voided_by",
        "reinstated_on",
        "reinstate_reason",
        "reinstated_by",
    ]
    search_columns = ["voided_on", "reason", "reinstated_on"]
    base_order = ("id", "desc")


class UnitView(AppModelView):
    surface = Surface(
        name="serial_number",
        head=("equipment_model", "customer", "dealer", "sale_date", "policy"),
    )
    datamodel = AppInterface(Unit)
    class_permission_name = "Unit"
    rules = units.UnitRules()
    void_rules = units.WarrantyVoidRules()
    method_permission_name = {
        **VIEW_METHOD_PERMISSIONS,
        "void": "void",
        "reinstate": "void",
        "certificate": "read",
    }
    template_folder = TEMPLATES
    show_template = "warranty/unit_show.html"
    attachments = True
    list_title = _l("Units")
    show_title = _p("sold unit", "Unit")
    add_title = _l("Register a sold unit")
    edit_title = _l("Edit unit")
    label_columns = {**LABELS, "warranty_badge": _l("Warranty today")}
    list_columns = ["serial_number", "equipment_model", "customer", "dealer", "sale_date", "active"]
    add_columns = [
        "serial_number",
        "equipment_model",
        "customer",
        "dealer",
        "policy",
        "sale_date",
        "handover_date",
        "price",
        "sales_ref",
        "notes",
    ]
    edit_columns = [*add_columns, "active"]
    show_columns = [*add_columns, "active", "created_at"]
    search_columns = ["serial_number", "sales_ref", "sale_date", "active"]
    search_filters = {"customer": app_filters.name_filters()}
    base_order = ("id", "desc")
    description_columns = {
        "policy": _l("Leave empty: the policy of the model (or its category) applies."),
    }

    def render_template(self, template, **kwargs):
        if str(kwargs.get("pk") or "").isdigit():
            kwargs["pk"] = int(kwargs["pk"])  # the core's file panel compares it to an integer
        if template == self.show_template and kwargs.get("pk") is not None:
            unit = self.shown_item(kwargs["pk"])
            if unit is not None:
                ws = status.warranty_status(db.session, unit)
                kwargs["ws"] = ws
                kwargs["ws_badge"] = status_badge(ws.status)
                kwargs["voids"] = unit.voids
                kwargs["active_void"] = unit.active_void
                kwargs["can_void"] = self.appbuilder.sm.has_access("can_void", "Unit")
                kwargs["repairs"] = (  # those the reader may see (a technician: his own)
                    policy.restrict(db.session.query(RepairOrder), RepairOrder)
                    .filter(RepairOrder.unit_id == unit.id)
                    .order_by(RepairOrder.id.desc())
                    .limit(50)
                    .all()
                )
                kwargs["repair_states"] = REPAIR_STATES
                kwargs["billing_types"] = BILLING_TYPES
                kwargs["extended"] = unit.extended_warranties
                self._passport(unit, kwargs)
        return super().render_template(template, **kwargs)

    @expose("/void/<int:pk>", methods=["POST"])
    @has_access
    def void(self, pk):
        return self.act_on(
            pk,
            lambda u: self.void_rules.void(
                db.session, u, page_form("reason", "document", dates=("date",)), actor()
            ),
            _l("The warranty is voided."),
        )

    @expose("/reinstate/<int:pk>", methods=["POST"])
    @has_access
    def reinstate(self, pk):
        return self.act_on(
            pk,
            lambda u: self.void_rules.reinstate(
                db.session, u, page_form("reason", dates=("date",)), actor()
            ),
            _l("The warranty is reinstated."),
        )

    @expose("/certificate/<int:pk>")
    @has_access
    def certificate(self, pk):
        from modules.warranty import pdf

        unit = self.datamodel.get(pk, self._base_filters)
        if unit is None:
            abort(404)
        try:
            body = pdf.warranty_certificate(db.session, unit)
        except DomainError as err:
            flash(str(err.message), "danger")
            return redirect(url_for(f"{self.endpoint}.show", pk=pk))
        return pdf_response(body, f"warranty-certificate-{unit.serial_number}.pdf")

    def _passport(self, unit, kwargs) -> None:
        """The unit's passport: its records in every module the reader may read (their
        `search.py` lists them, app.search.unit_sections), and buttons that start a
        repair or a claim with the unit and its customer filled in."""
        actor = policy.current_actor()
        kwargs["unit_sections"] = search.unit_sections(unit, actor)
        kwargs["unit_new"] = search.new_labels()
        kwargs["new_repair"] = (
            url_for("RepairOrderView.add", unit=unit.id) if actor.can(WRITE, "RepairOrder") else ""
        )
