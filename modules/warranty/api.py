"""REST resources: unit, warranty_policy, extended_warranty, warranty_void, checklist,
checklist_item, inspection; repairs, lines, shipments and loaners are in api_repairs.py."""

from __future__ import annotations

from datetime import date

from flask import request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from marshmallow import validate

from app.api import AppRestApi
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from app.web import load_body
from modules.warranty.api_logistics import LoanerApi, LoanerLoanApi, ShipmentApi
from modules.warranty.api_repairs import RepairLabourLineApi, RepairOrderApi, RepairPartLineApi
from modules.warranty.models import (
    CHECKLIST_KINDS,
    REPAIR_TYPES,
    WARRANTY_STARTS,
    Checklist,
    ChecklistItem,
    ExtendedWarranty,
    Inspection,
    Unit,
    WarrantyPolicy,
    WarrantyVoid,
)
from modules.warranty.schemas import ReinstateBody, VoidBody
from modules.warranty.services import inspections, status, units
from modules.warranty.web import actor, date_value


def void_dict(v: WarrantyVoid | None) -> dict | None:
    if v is None:
        return None
    return {
        "id": v.id,
        "voided_on": v.voided_on.isoformat(),
        "reason": v.reason,
        "document": v.document,
        "voided_by": v.voided_by.username if v.voided_by else None,
        "reinstated_on": v.reinstated_on.isoformat() if v.reinstated_on else None,
        "reinstate_reason": v.reinstate_reason,
        "reinstated_by": v.reinstated_by.username if v.reinstated_by else None,
    }


_UNIT_LIST = [
    "id",
    "serial_number",
    "equipment_model.id",
    "equipment_model.code",
    "customer.id",
    "customer.name",
    "dealer.id",
    "dealer.name",
    "policy.id",
    "sale_date",
    "handover_date",
    "price",
    "sales_ref",
    "active",
]
_UNIT_FIELDS = [
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


class UnitApi(AppRestApi):
    """Sold units; GET /<id>/warranty?date=; POST /<id>/void and /<id>/reinstate."""

    resource_name = "unit"
    class_permission_name = "Unit"
    datamodel = AppInterface(Unit)
    rules = units.UnitRules()
    void_rules = units.WarrantyVoidRules()
    openapi_spec_component_schemas = (VoidBody, ReinstateBody)
    method_permission_name = {
        **API_METHOD_PERMISSIONS,
        "warranty": "read",
        "void": "void",
        "reinstate": "void",
        "certificate": "read",
    }
    list_columns = _UNIT_LIST
    show_columns = [*_UNIT_LIST, "notes", "created_at"]
    add_columns = _UNIT_FIELDS
    edit_columns = [*_UNIT_FIELDS, "active"]
    search_columns = [
        "serial_number",
        "equipment_model",
        "customer",
        "dealer",
        "sale_date",
        "sales_ref",
        "active",
    ]
    order_columns = ["id", "serial_number", "sale_date"]
    validators_columns = {"serial_number": validate.Length(min=1, max=64)}

    def pre_get(self, data):
        unit = db.session.get(Unit, int(data["id"]))
        if unit is not None:
            data["result"]["warranty"] = status.warranty_status(db.session, unit).as_dict()
            data["result"]["voids"] = [void_dict(v) for v in unit.voids]

    @expose("/<int:pk>/warranty", methods=["GET"])
    @protect()
    @safe
    def warranty(self, pk):
        """The unit's warranty on a date: statutory, manufacturer, extended, expired or voided.
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          - {in: query, name: date, required: false, schema: {type: string, format: date}}
          responses:
            200: {description: 'status, end_date, reason (and the ends of each tier)'}
            400: {$ref: '#/components/responses/400'}
            404: {$ref: '#/components/responses/404'}
        """
        unit = self.datamodel.get(pk, self._base_filters)
        if unit is None:
            return self.response_404()
        try:
            on = date_value(request.args.get("date"), "date") or date.today()
        except DomainError as err:
            return self.response(400, **err.as_dict())
        return self.response(200, **status.warranty_status(db.session, unit, on).as_dict())

    @expose("/<int:pk>/certificate", methods=["GET"])
    @protect()
    @safe
    def certificate(self, pk):
        """The unit's warranty certificate (PDF, in the caller's language: ?_l_=ru).
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200: {description: PDF, content: {application/pdf: {}}}
            404: {$ref: '#/components/responses/404'}
        """
        from modules.warranty import pdf
        from modules.warranty.views_units import pdf_response

        unit = self.datamodel.get(pk, self._base_filters)
        if unit is None:
            return self.response_404()
        try:
            body = pdf.warranty_certificate(db.session, unit)
        except DomainError as err:
            return self.domain_error(err)
        return pdf_response(body, f"warranty-certificate-{unit.id}.pdf")

    @expose("/<int:pk>/void", methods=["POST"])
    @protect()
    @safe
    def void(self, pk):
        """Void the unit's warranty (service manager): reason, date, supporting document.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/WarrantyVoidBody'}
          responses:
            200: {description: The void}
            404: {$ref: '#/components/responses/404'}
            409: {description: Already voided}
            422: {$ref: '#/components/responses/422'}
        """
        unit = self.datamodel.get(pk, self._base_filters)
        if unit is None:
            return self.response_404()

        def save(session):
            return self.void_rules.void(session, unit, load_body(VoidBody), actor())

        v, err = self.run_service(save)
        return err or self.response(200, result=void_dict(v))

    @expose("/<int:pk>/reinstate", methods=["POST"])
    @protect()
    @safe
    def reinstate(self, pk):
        """Reinstate a voided warranty, with a reason.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/WarrantyReinstateBody'}
          responses:
            200: {description: 'The void, now reinstated (the unit''s repairs still at
              intake that the void made paid are billed again)'}
            404: {$ref: '#/components/responses/404'}
            409: {description: Not voided}
            422: {$ref: '#/components/responses/422'}
        """
        unit = self.datamodel.get(pk, self._base_filters)
        if unit is None:
            return self.response_404()

        def save(session):
            return self.void_rules.reinstate(session, unit, load_body(ReinstateBody), actor())

        v, err = self.run_service(save)
        return err or self.response(200, result=void_dict(v))


_POLICY_FIELDS = [
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


class WarrantyPolicyApi(AppRestApi):
    resource_name = "warranty_policy"
    class_permission_name = "WarrantyPolicy"
    datamodel = AppInterface(WarrantyPolicy)
    rules = units.WarrantyPolicyRules()
    list_columns = show_columns = ["id", "equipment_model.id", "equipment_model.code"] + [
        c for c in _POLICY_FIELDS if c != "equipment_model"
    ]
    add_columns = edit_columns = _POLICY_FIELDS
    search_columns = ["name", "equipment_model", "category", "active"]
    order_columns = ["id", "name"]
    validators_columns = {
        "name": validate.Length(min=1, max=200),
        "starts_at": WARRANTY_STARTS.validator(),
        "statutory_months": validate.Range(min=0, max=1200),
        "manufacturer_months": validate.Range(min=0, max=1200),
    }


_EXT_FIELDS = [
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


class ExtendedWarrantyApi(AppRestApi):
    resource_name = "extended_warranty"
    class_permission_name = "ExtendedWarranty"
    datamodel = AppInterface(ExtendedWarranty)
    rules = units.ExtendedWarrantyRules()
    list_columns = show_columns = ["id", "unit.id", "unit.serial_number", "cancelled"] + [
        c for c in _EXT_FIELDS if c != "unit"
    ]
    add_columns = _EXT_FIELDS
    edit_columns = [*_EXT_FIELDS, "cancelled"]
    search_columns = ["unit", "reference", "start_date", "end_date", "cancelled"]
    order_columns = ["id", "start_date", "end_date"]


class WarrantyVoidApi(AppRestApi):
    """Voids and reinstatements (read-only; POST /unit/<id>/void and /reinstate)."""

    resource_name = "warranty_void"
    class_permission_name = "WarrantyVoid"
    datamodel = AppInterface(WarrantyVoid)
    rules = units.WarrantyVoidRules()
    include_route_methods = {"get", "get_list", "info"}
    list_columns = show_columns = [
        "id",
        "unit.id",
        "unit.serial_number",
        "voided_on",
        "reason",
        "document",
        "voided_by.username",
        "reinstated_on",
        "reinstate_reason",
        "reinstated_by.username",
    ]
    search_columns = ["unit", "voided_on", "reinstated_on"]
    order_columns = ["id", "voided_on"]


class ChecklistApi(AppRestApi):
    resource_name = "checklist"
    class_permission_name = "Checklist"
    datamodel = AppInterface(Checklist)
    rules = inspections.ChecklistRules()
    list_columns = show_columns = [
        "id",
        "name",
        "kind",
        "equipment_model.id",
        "equipment_model.code",
        "repair_type",
        "active",
    ]
    add_columns = edit_columns = ["name", "kind", "equipment_model", "repair_type", "active"]
    search_columns = ["name", "kind", "equipment_model", "repair_type", "active"]
    validators_columns = {
        "name": validate.Length(min=1, max=200),
        "kind": CHECKLIST_KINDS.validator(),
        "repair_type": REPAIR_TYPES.validator(),
    }

    def pre_get(self, data):
        c = db.session.get(Checklist, int(data["id"]))
        if c is not None:
            data["result"]["items"] = [
                {"id": i.id, "sequence": i.sequence, "text": i.text, "required": i.required}
                for i in c.items
            ]


class ChecklistItemApi(AppRestApi):
    resource_name = "checklist_item"
    class_permission_name = "Checklist"
    datamodel = AppInterface(ChecklistItem)
    rules = inspections.ChecklistItemRules()
    list_columns = show_columns = ["id", "checklist.id", "sequence", "text", "required"]
    add_columns = edit_columns = ["checklist", "sequence", "text", "required"]
    search_columns = ["checklist", "text"]
    validators_columns = {
        "text": validate.Length(min=1, max=200),
        "sequence": validate.Range(min=0, max=100000),
    }


class InspectionApi(AppRestApi):
    """Inspections (read-only; POST /repair_order/<id>/inspection records one);
    GET /failures_by_technician counts failed final inspections per technician."""

    resource_name = "inspection"
    class_permission_name = "Inspection"
    datamodel = AppInterface(Inspection)
    rules = inspections.InspectionRules()
    include_route_methods = {"get", "get_list", "info", "failures_by_technician"}
    method_permission_name = {**API_METHOD_PERMISSIONS, "failures_by_technician": "read"}
    list_columns = show_columns = [
        "id",
        "repair.id",
        "repair.number",
        "kind",
        "result",
        "inspector.username",
        "technician.username",
        "at",
        "notes",
    ]
    search_columns = ["repair", "kind", "result", "at"]
    order_columns = ["id", "at"]

    @expose("/failures_by_technician", methods=["GET"])
    @protect()
    @safe
    def failures_by_technician(self):
        """Final inspections and failures per technician over a period.
        ---
        get:
          parameters:
          - {in: query, name: date_from, schema: {type: string, format: date}}
          - {in: query, name: date_to, schema: {type: string, format: date}}
          responses:
            200: {description: 'technician, inspections, failed, failed_pct'}
            400: {$ref: '#/components/responses/400'}
        """
        try:
            d_from = date_value(request.args.get("date_from"), "date_from")
            d_to = date_value(request.args.get("date_to"), "date_to")
        except DomainError as err:
            return self.response(400, **err.as_dict())
        rows = inspections.failed_inspections_by_technician(db.session, d_from, d_to)
        return self.response(200, result=rows)


APIS = [
    UnitApi,
    WarrantyPolicyApi,
    ExtendedWarrantyApi,
    WarrantyVoidApi,
    RepairOrderApi,
    RepairPartLineApi,
    RepairLabourLineApi,
    ChecklistApi,
    ChecklistItemApi,
    InspectionApi,
    ShipmentApi,
    LoanerApi,
    LoanerLoanApi,
]
