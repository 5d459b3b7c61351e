"""REST resources of quality: systemic_alert, production_proposal, supplier_claim, satisfaction."""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from marshmallow import validate

from app.api import AppRestApi, StateMachineApiMixin
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from app.views import date_arg
from app.web import load_body
from modules.claims.models import (
    BREACHES,
    PROPOSAL_KINDS,
    ProductionProposal,
    SatisfactionRequest,
    SupplierClaim,
    SystemicAlert,
)
from modules.claims.schemas import NoBody
from modules.claims.services import satisfaction, suppliers, systemic


class SystemicAlertApi(StateMachineApiMixin, AppRestApi):
    """Systemic-defect alerts (opened by detection). Actions: POST /<id>/acknowledge,
    /<id>/close; POST /detect runs the detection; GET /rates lists the current rates."""

    resource_name = "systemic_alert"
    class_permission_name = "SystemicAlert"
    datamodel = AppInterface(SystemicAlert)
    state_machine = systemic.ALERT_MACHINE
    rules = systemic.AlertRules()
    openapi_spec_component_schemas = (NoBody,)
    method_permission_name = {**API_METHOD_PERMISSIONS, "detect": "write", "rates": "read"}
    include_route_methods = {"get", "get_list", "info", "transition", "history", "detect", "rates"}
    list_columns = [
        "id",
        "equipment_model.id",
        "equipment_model.code",
        "defect_code.id",
        "defect_code.code",
        "opened_on",
        "state",
        "defects",
        "units_sold",
        "rate_pct",
        "lower_pct",
        "upper_pct",
        "threshold_pct",
    ]
    show_columns = [*list_columns, "window_start", "window_end", "confidence_pct", "notes"]
    search_columns = ["equipment_model", "defect_code", "state", "opened_on"]
    order_columns = ["id", "opened_on", "lower_pct"]
    base_order = ("id", "desc")

    @expose("/detect", methods=["POST"])
    @protect()
    @safe
    def detect(self):
        """Run the systemic-defect detection now; returns the alerts it opened.
        ---
        post:
          requestBody:
            required: false
            content:
              application/json:
                schema: {$ref: '#/components/schemas/ClaimsNoBody'}
          responses:
            200: {description: ids of the alerts opened (none when already open)}
            422: {$ref: '#/components/responses/422'}
        """

        def run(session):
            load_body(NoBody)
            return systemic.detect(session)

        opened, err = self.run_service(run)
        return err or self.response(200, opened=[a.id for a in opened])

    @expose("/rates", methods=["GET"])
    @protect()
    @safe
    def rates(self):
        """Defect rates per equipment model and defect code with their confidence interval.
        ---
        get:
          responses:
            200: {description: 'equipment_model_id, defect_code_id, events, units_sold,
              rate_pct, lower_pct, upper_pct'}
        """
        rows = systemic.defect_rates(db.session)
        db.session.commit()
        return self.response(200, result=[r.as_dict() for r in rows[:500]])


class ProductionProposalApi(StateMachineApiMixin, AppRestApi):
    """Proposals to production. Actions: POST /<id>/submit, /<id>/accept, /<id>/reject."""

    resource_name = "production_proposal"
    class_permission_name = "ProductionProposal"
    datamodel = AppInterface(ProductionProposal)
    state_machine = systemic.PROPOSAL_MACHINE
    rules = systemic.ProposalRules()
    list_columns = [
        "id",
        "number",
        "alert.id",
        "equipment_model.id",
        "equipment_model.code",
        "defect_code.id",
        "kind",
        "title",
        "state",
        "submitted_on",
        "decided_on",
    ]
    show_columns = [*list_columns, "rationale", "decision_note", "author.id", "created_at"]
    add_columns = ["alert", "equipment_model", "defect_code", "kind", "title", "rationale"]
    edit_columns = ["kind", "title", "rationale"]
    search_columns = ["alert", "equipment_model", "kind", "state"]
    order_columns = ["id", "number", "submitted_on"]
    base_order = ("id", "desc")
    validators_columns = {
        "kind": PROPOSAL_KINDS.validator(),
        "title": validate.Length(min=1, max=200),
        "rationale": validate.Length(min=1, max=5000),
    }

    def _init_model_schemas(self) -> None:
        """The alert names the model: a proposal drafted from one may leave it out
        (the rules take it from the alert, and refuse a proposal with neither)."""
        super()._init_model_schemas()
        self.add_model_schema.fields["equipment_model"].required = False


class SupplierClaimApi(StateMachineApiMixin, AppRestApi):
    """Claims against suppliers. Actions: POST /<id>/send, accept, accept_partly, reject,
    settle (recovered_amount set first), cancel."""

    resource_name = "supplier_claim"
    class_permission_name = "SupplierClaim"
    datamodel = AppInterface(SupplierClaim)
    state_machine = suppliers.SUPPLIER_CLAIM_MACHINE
    rules = suppliers.SupplierClaimRules()
    list_columns = [
        "id",
        "number",
        "supplier.id",
        "supplier.name",
        "breach",
        "amount",
        "opened_on",
        "due_date",
        "state",
        "recovered_amount",
        "settled_on",
    ]
    show_columns = [*list_columns, "description", "sent_on", "defects.id", "repairs.id", "notes"]
    add_columns = [
        "supplier",
        "breach",
        "description",
        "amount",
        "opened_on",
        "due_date",
        "defects",
        "repairs",
        "notes",
    ]
    edit_columns = [*add_columns, "recovered_amount"]
    search_columns = ["number", "supplier", "breach", "state", "opened_on", "due_date"]
    order_columns = ["id", "number", "opened_on", "due_date"]
    base_order = ("id", "desc")
    validators_columns = {
        "breach": BREACHES.validator(),
        "description": validate.Length(min=1, max=5000),
    }


class SatisfactionApi(AppRestApi):
    """Satisfaction answers (created when claims close and repairs complete);
    GET /report?by=model|employee|month&date_from=&date_to= averages the scores."""

    resource_name = "satisfaction"
    class_permission_name = "Satisfaction"
    datamodel = AppInterface(SatisfactionRequest)
    method_permission_name = {**API_METHOD_PERMISSIONS, "report": "read"}
    include_route_methods = {"get", "get_list", "info", "report"}
    list_columns = [
        "id",
        "subject_type",
        "claim.id",
        "repair_order.id",
        "customer.id",
        "equipment_model.id",
        "employee.id",
        "created_at",
        "answered_at",
        "score",
    ]
    show_columns = [*list_columns, "comment"]
    search_columns = ["subject_type", "score", "answered_at", "equipment_model", "employee"]
    order_columns = ["id", "created_at", "answered_at", "score"]
    base_order = ("id", "desc")

    @expose("/report", methods=["GET"])
    @protect()
    @safe
    def report(self):
        """Average score and number of answers per model, employee or month.
        ---
        get:
          parameters:
          - {in: query, name: by, schema: {type: string, enum: [model, employee, month]}}
          - {in: query, name: date_from, schema: {type: string, format: date}}
          - {in: query, name: date_to, schema: {type: string, format: date}}
          responses:
            200: {description: 'key, label, answers, average'}
            400: {$ref: '#/components/responses/400'}
        """
        try:
            by = request.args.get("by") or "month"
            date_from, date_to = date_arg("date_from"), date_arg("date_to")
            rows = satisfaction.scores(db.session, by, date_from, date_to)
        except DomainError as err:
            if err.status == 422:
                err.status = 400
            return self.domain_error(err)
        return self.response(200, by=by, result=rows)
