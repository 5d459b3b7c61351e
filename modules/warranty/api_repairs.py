"""REST resources: repair_order (with its actions), repair_part_line, repair_labour_line,
shipment, loaner, loaner_loan."""

from __future__ import annotations

from datetime import date

from flask import request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import lazy_gettext as _l
from marshmallow import validate
from sqlalchemy import select

from app.api import AppRestApi, StateMachineApiMixin
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from app.web import load_body
from modules.warranty.models import (
    OPEN_STATES,
    REPAIR_TYPES,
    RepairLabourLine,
    RepairOrder,
    RepairPartLine,
)
from modules.warranty.schemas import BillingBody, InspectionBody
from modules.warranty.services import inspections, lines, repairs
from modules.warranty.web import actor


def repair_details(repair: RepairOrder, today: date | None = None) -> dict:
    """What a repair's page shows beyond its columns: deadline, totals, lines, checks."""
    today = today or date.today()
    void = repair.unit.active_void
    loan = repairs.loaner_out(db.session, repair.id)
    return {
        "days_left": repairs.days_left(repair, today),
        "overdue": repairs.days_left(repair, today) is not None
        and repairs.days_left(repair, today) < 0,
        "who_pays": repairs.who_pays(repair),
        "quote_limit": str(repairs.quote_limit(repair)) if repair.billing_type == "paid" else None,
        "parts_total": str(repair.parts_total),
        "parts_cost": str(repair.parts_cost),
        "labour_total": str(repair.labour_total),
        "total": str(repair.total),
        "warranty_voided": None
        if void is None
        else {"voided_on": void.voided_on.isoformat(), "reason": void.reason},
        "final_inspection_passed": repairs.final_inspection_passed(repair),
        "loaner_out": None if loan is None else {"id": loan.id, "loaner_id": loan.loaner_id},
        "allowed": [t.name for t in repairs.REPAIR_MACHINE.allowed(repair.state)],
        "part_lines": [
            {
                "id": ln.id,
                "part_id": ln.part_id,
                "sku": ln.part.sku,
                "warehouse_id": ln.warehouse_id,
                "quantity": str(ln.quantity),
                "unit_price": str(ln.unit_price),
                "unit_cost": str(ln.unit_cost),
                "amount": str(ln.amount),
                "state": ln.state,
                "supplier_fault": ln.supplier_fault,
            }
            for ln in repair.part_lines
        ],
        "labour_lines": [
            {
                "id": ln.id,
                "description": ln.description,
                "technician_id": ln.technician_id,
                "performed_on": ln.performed_on.isoformat(),
                "hours": str(ln.hours),
                "rate": str(ln.rate),
                "amount": str(ln.amount),
            }
            for ln in repair.labour_lines
        ],
        "inspections": [
            {
                "id": i.id,
                "kind": i.kind,
                "result": i.result,
                "inspector_id": i.inspector_id,
                "at": i.at.isoformat(),
            }
            for i in repair.inspections
        ],
    }


_RO_LIST = [
    "id",
    "number",
    "state",
    "unit.id",
    "unit.serial_number",
    "customer.id",
    "customer.name",
    "technician.id",
    "technician.username",
    "billing_type",
    "warranty_status",
    "repair_type",
    "origin",
    "intake_date",
    "due_date",
    "returned_on",
]
_RO_SHOW = [
    *_RO_LIST,
    "reported_defect",
    "condition",
    "accessories",
    "diagnosis",
    "work_done",
    "warehouse.id",
    "warranty_end",
    "billing_overridden",
    "billing_reason",
    "coverage_source",
    "coverage_ref_id",
    "coverage_label",
    "covers_parts",
    "covers_labour",
    "covers_transport",
    "quote_amount",
    "quote_sent_on",
    "approved_amount",
    "customer_decision_on",
    "supplier_fault",
    "recovery_supplier.id",
    "ready_on",
    "closed_at",
    "notes",
    "created_at",
]


class RepairOrderApi(StateMachineApiMixin, AppRestApi):
    """Repair orders. Actions: POST /<id>/receive, diagnose, send_quote, approve, refuse,
    wait_parts, start_repair, mark_ready, return_unit, cancel; POST /<id>/billing,
    /<id>/inspection; GET /<id>/history, /overdue."""

    resource_name = "repair_order"
    class_permission_name = "RepairOrder"
    datamodel = AppInterface(RepairOrder)
    state_machine = repairs.REPAIR_MACHINE
    rules = repairs.RepairRules()
    inspection_rules = inspections.InspectionRules()
    openapi_spec_component_schemas = (BillingBody, InspectionBody)
    method_permission_name = {
        **API_METHOD_PERMISSIONS,
        "billing": "override_billing",
        "inspection": "write",
        "overdue": "read",
        "checklist": "read",
        "acceptance_act": "read",
        "completion_act": "read",
    }
    list_columns = _RO_LIST
    show_columns = _RO_SHOW
    add_columns = [
        "unit",
        "reported_defect",
        "intake_date",
        "condition",
        "accessories",
        "technician",
        "warehouse",
        "repair_type",
        "origin",
        "notes",
    ]
    edit_columns = [
        "reported_defect",
        "condition",
        "accessories",
        "diagnosis",
        "work_done",
        "technician",
        "warehouse",
        "repair_type",
        "quote_amount",
        "supplier_fault",
        "recovery_supplier",
        "notes",
    ]
    search_columns = [
        "number",
        "state",
        "unit",
        "customer",
        "technician",
        "billing_type",
        "intake_date",
        "due_date",
        "origin",
    ]
    order_columns = ["id", "number", "intake_date", "due_date", "state"]
    base_order = ("id", "desc")
    validators_columns = {
        "reported_defect": validate.Length(min=1, max=5000),
        "repair_type": REPAIR_TYPES.validator(),
        "origin": validate.Length(max=64),
    }

    def pre_get(self, data):
        repair = db.session.get(RepairOrder, int(data["id"]))
        if repair is not None:
            data["result"].update(repair_details(repair))

    def pre_get_list(self, data):
        """Each row's days left, as its page counts them."""
        today = date.today()
        found = select(RepairOrder).where(RepairOrder.id.in_(data["ids"]))
        repairs_by_id = {r.id: r for r in db.session.scalars(found)}
        for pk, row in zip(data["ids"], data.get("result", []), strict=True):
            repair = repairs_by_id.get(pk)
            row["days_left"] = repair.days_left_on(today) if repair is not None else None

    @expose("/overdue", methods=["GET"])
    @protect()
    @safe
    def overdue(self):
        """Open repair orders past their legal deadline, the most overdue first.
        ---
        get:
          responses:
            200: {description: 'id, number, state, due_date, days_overdue'}
        """
        from sqlalchemy import select

        today = date.today()
        query = db.session.query(RepairOrder).filter(
            RepairOrder.state.in_(OPEN_STATES), RepairOrder.due_date < today
        )
        query = self._base_filters.apply_all(query)
        rows = db.session.execute(
            select(RepairOrder.id, RepairOrder.number, RepairOrder.state, RepairOrder.due_date)
            .where(RepairOrder.id.in_(query.with_entities(RepairOrder.id)))
            .order_by(RepairOrder.due_date, RepairOrder.id)
            .limit(500)
        ).all()
        return self.response(
            200,
            result=[
                {
                    "id": r.id,
                    "number": r.number,
                    "state": r.state,
                    "due_date": r.due_date.isoformat(),
                    "days_overdue": (today - r.due_date).days,
                }
                for r in rows
            ],
        )

    @expose("/<int:pk>/billing", methods=["POST"])
    @protect()
    @safe
    def billing(self, pk):
        """Override the billing type (service manager), with a reason.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/WarrantyBillingBody'}
          responses:
            200: {description: The billing type now}
            404: {$ref: '#/components/responses/404'}
            409: {description: The repair is finished}
            422: {$ref: '#/components/responses/422'}
        """
        repair = self.datamodel.get(pk, self._base_filters)
        if repair is None:
            return self.response_404()

        def save(session):
            body = load_body(BillingBody)
            return repairs.override_billing(session, repair, body["billing_type"], body["reason"])

        r, err = self.run_service(save)
        return err or self.response(
            200, id=r.id, billing_type=r.billing_type, billing_reason=r.billing_reason
        )

    @expose("/<int:pk>/checklist", methods=["GET"])
    @protect()
    @safe
    def checklist(self, pk):
        """The checklist that applies to this repair (`?kind=final`, the default, or
        `intake`): the items an inspection answers, by id.
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          - {in: query, name: kind, schema: {type: string, enum: [intake, final]}}
          responses:
            200: {description: 'checklist (id, name) or null, and its items'}
            400: {$ref: '#/components/responses/400'}
            404: {$ref: '#/components/responses/404'}
        """
        repair = self.datamodel.get(pk, self._base_filters)
        if repair is None:
            return self.response_404()
        kind = request.args.get("kind", "final")
        if kind not in inspections.CHECKLIST_KINDS:
            return self.response_400(message=str(_l("kind is intake or final.")))
        found = inspections.checklist_for(db.session, repair, kind)
        items = sorted(found.items, key=lambda it: (it.sequence or 0, it.id)) if found else []
        return self.response(
            200,
            checklist={"id": found.id, "name": found.name} if found else None,
            items=[{"id": it.id, "text": it.text, "required": it.required} for it in items],
        )

    @expose("/<int:pk>/inspection", methods=["POST"])
    @protect()
    @safe
    def inspection(self, pk):
        """Record an intake check or the final inspection (signed by the caller, who must
        not be the repair's technician for a final one).
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/WarrantyInspectionBody'}
          responses:
            201: {description: The inspection and its result}
            403: {description: The technician cannot inspect his own work}
            404: {$ref: '#/components/responses/404'}
            409: {description: Not in repair}
            422: {$ref: '#/components/responses/422'}
        """
        repair = self.datamodel.get(pk, self._base_filters)
        if repair is None:
            return self.response_404()

        def save(session):
            return self.inspection_rules.record(session, repair, load_body(InspectionBody), actor())

        insp, err = self.run_service(save)
        return err or self.response(201, id=insp.id, result=insp.result, kind=insp.kind)

    def _pdf(self, pk, build, name):
        from modules.warranty.views_units import pdf_response

        repair = self.datamodel.get(pk, self._base_filters)
        if repair is None:
            return self.response_404()
        try:
            body = build(db.session, repair)
        except DomainError as err:
            return self.domain_error(err)
        return pdf_response(body, f"{name}-{repair.number}.pdf")

    @expose("/<int:pk>/acceptance_act", methods=["GET"])
    @protect()
    @safe
    def acceptance_act(self, pk):
        """The repair acceptance act (PDF, in the caller's language: ?_l_=ru).
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200: {description: PDF, content: {application/pdf: {}}}
            404: {$ref: '#/components/responses/404'}
        """
        from modules.warranty import pdf

        return self._pdf(pk, pdf.acceptance_act, "acceptance-act")

    @expose("/<int:pk>/completion_act", methods=["GET"])
    @protect()
    @safe
    def completion_act(self, pk):
        """The work completion act with parts used, dates and warranty extension (PDF).
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200: {description: PDF, content: {application/pdf: {}}}
            404: {$ref: '#/components/responses/404'}
        """
        from modules.warranty import pdf

        return self._pdf(pk, pdf.completion_act, "completion-act")


class RepairPartLineApi(AppRestApi):
    """Parts on a repair: POST reserves stock (or waits for it); DELETE releases it
    (the line stays, state released)."""

    resource_name = "repair_part_line"
    class_permission_name = "RepairOrder"
    datamodel = AppInterface(RepairPartLine)
    rules = lines.PartLineRules()
    include_route_methods = {"get", "get_list", "info", "post", "delete"}
    list_columns = show_columns = [
        "id",
        "repair.id",
        "repair.number",
        "part.id",
        "part.sku",
        "warehouse.id",
        "quantity",
        "unit_price",
        "unit_cost",
        "amount",
        "state",
        "supplier_fault",
        "note",
    ]
    add_columns = [
        "repair",
        "part",
        "warehouse",
        "quantity",
        "unit_price",
        "supplier_fault",
        "note",
    ]
    search_columns = ["repair", "part", "state"]

    def post_headless(self):
        body = request.get_json(silent=True)
        if isinstance(body, dict) and body.get("warehouse") is None:
            rid = body.get("repair")
            repair = (
                db.session.get(RepairOrder, rid) if type(rid) is int and 0 < rid < 2**31 else None
            )
            if repair is not None and repair.warehouse_id is not None:
                body["warehouse"] = repair.warehouse_id  # the repair's warehouse by default
        return super().post_headless()

    def delete_headless(self, pk):
        """Deleting a part line takes it off its repair: its stock is released and the
        line stays, released (the screen's delete does the same)."""
        line = self.datamodel.get(pk, self._base_filters)
        if line is None:
            return self.response_404()
        _r, err = self.run_service(self.rules.remove, line, actor())
        return err or self.response(200, message="OK", state=line.state)


class RepairLabourLineApi(AppRestApi):
    """Work on a repair: hours x rate."""

    resource_name = "repair_labour_line"
    class_permission_name = "RepairOrder"
    datamodel = AppInterface(RepairLabourLine)
    rules = lines.LabourLineRules()
    include_route_methods = {"get", "get_list", "info", "post", "delete"}
    list_columns = show_columns = [
        "id",
        "repair.id",
        "repair.number",
        "description",
        "technician.id",
        "performed_on",
        "hours",
        "rate",
        "amount",
    ]
    add_columns = ["repair", "description", "technician", "performed_on", "hours", "rate"]
    search_columns = ["repair", "technician", "performed_on"]
    validators_columns = {"description": validate.Length(min=1, max=200)}
