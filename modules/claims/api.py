"""REST resources: claim (with its actions, deadlines, repair and settlement), defect_code,
claim_defect, expert_examination; the quality resources are in api_quality."""

from __future__ import annotations

from datetime import date

from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from marshmallow import validate
from sqlalchemy import select

from app.api import AppRestApi, StateMachineApiMixin
from app.datamodel import AppInterface
from app.db import db
from app.deadlines import JURISDICTIONS
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from app.views import date_arg
from app.web import load_body
from modules.claims.api_quality import (
    ProductionProposalApi,
    SatisfactionApi,
    SupplierClaimApi,
    SystemicAlertApi,
)
from modules.claims.models import (
    CHANNELS,
    CLAIM_LEGAL_FACTS,
    CLAIM_SETTLEMENT,
    DEMANDS,
    EXAM_PAYERS,
    RESOLUTIONS,
    ROOT_CAUSES,
    Claim,
    ClaimDefect,
    DefectCode,
    ExpertExamination,
)
from modules.claims.schemas import SettleBody, StartRepairBody
from modules.claims.services import claims as claim_services
from modules.claims.services import defects


def claim_details(claim: Claim, today: date | None = None) -> dict:
    """What a claim's page shows beyond its columns: deadlines, penalty, warranty, lines."""
    today = today or date.today()
    session = db.session
    deadlines = claim_services.claim_deadlines(session, claim, today)
    fulfilment = next((d for d in deadlines if d.kind == "fulfilment"), None)
    return {
        "deadlines": [d.as_dict(today) for d in deadlines],
        "overdue": any(d.overdue(today) for d in deadlines),
        "days_left": claim_services.days_left(claim, today),
        "penalty_accrued": str(fulfilment.penalty)
        if fulfilment is not None and fulfilment.penalty is not None
        else None,
        "jurisdiction_applied": claim_services.jurisdiction_of(claim),
        "warranty": claim_services.unit_warranty(session, claim),
        "allowed": [t.name for t in claim_services.CLAIM_MACHINE.allowed(claim.state)],
        "defects": [
            {
                "id": d.id,
                "defect_code_id": d.defect_code_id,
                "code": d.defect_code.code,
                "root_cause": d.root_cause,
                "part_id": d.part_id,
                "supplier_id": d.supplier_id,
            }
            for d in claim.defects
        ],
        "examinations": [
            {
                "id": e.id,
                "organisation": e.organisation,
                "state": e.state,
                "sent_on": e.sent_on.isoformat(),
                "concluded_on": e.concluded_on.isoformat() if e.concluded_on else None,
                "cause_found": e.cause_found,
                "cost": str(e.cost) if e.cost is not None else None,
                "paid_by": e.paid_by,
            }
            for e in claim.examinations
        ],
    }


_CLAIM_LIST = [
    "id",
    "number",
    "state",
    "customer.id",
    "customer.name",
    "unit.id",
    "unit.serial_number",
    "equipment_model.id",
    "demand",
    "channel",
    "received_on",
    "due_date",
    "officer.id",
    "officer.username",
    "repair_order.id",
    "jurisdiction",
]


class ClaimApi(StateMachineApiMixin, AppRestApi):
    """Consumer claims. Actions: POST /<id>/start_review, send_to_expert, back_to_review,
    accept, accept_partly, reject (the comment is the written answer), resolve, close;
    GET /<id>/deadlines, /<id>/history; POST /<id>/start_repair, /<id>/settle."""

    resource_name = "claim"
    class_permission_name = "Claim"
    datamodel = AppInterface(Claim)
    state_machine = claim_services.CLAIM_MACHINE
    rules = claim_services.ClaimRules()
    openapi_spec_component_schemas = (StartRepairBody, SettleBody)
    method_permission_name = {
        **API_METHOD_PERMISSIONS,
        "deadlines": "read",
        "start_repair": "write",
        "settle": "write",
    }
    list_columns = _CLAIM_LIST
    show_columns = [
        *_CLAIM_LIST,
        "description",
        *CLAIM_LEGAL_FACTS[1:],
        "durable",
        *CLAIM_SETTLEMENT,
        "closed_at",
        "notes",
        "created_at",
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
        "durable",
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
    search_columns = [
        "number",
        "state",
        "customer",
        "unit",
        "equipment_model",
        "officer",
        "demand",
        "received_on",
        "due_date",
    ]
    order_columns = ["id", "number", "received_on", "due_date", "state"]
    base_order = ("id", "desc")
    validators_columns = {
        "description": validate.Length(min=1, max=5000),
        "channel": CHANNELS.validator(),
        "demand": DEMANDS.validator(),
        "jurisdiction": JURISDICTIONS.validator(),
        "resolution": RESOLUTIONS.validator(),
        "answer": validate.Length(max=5000),
        "replacement_serial": validate.Length(max=64),
        "on_behalf_reason": validate.Length(max=2000),
    }

    def pre_get(self, data):
        claim = db.session.get(Claim, int(data["id"]))
        if claim is not None:
            data["result"].update(claim_details(claim))

    def pre_get_list(self, data):
        """Each row's days left and whether it is overdue, as its page counts them."""
        today = date.today()
        claims = {
            c.id: c for c in db.session.scalars(select(Claim).where(Claim.id.in_(data["ids"])))
        }
        for pk, row in zip(data["ids"], data.get("result", []), strict=True):
            left = claims[pk].days_left_on(today) if pk in claims else None
            row["days_left"] = left
            row["overdue"] = left is not None and left < 0

    @expose("/<int:pk>/deadlines", methods=["GET"])
    @protect()
    @safe
    def deadlines(self, pk):
        """The claim's legal deadlines: each with its legal basis, due date and days left.
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          - {in: query, name: today, required: false, schema: {type: string, format: date}}
          responses:
            200: {description: 'code, label, basis, jurisdiction, start, due, days_left,
              overdue, kind (answer, fulfilment, loaner, window), penalty where it applies'}
            400: {$ref: '#/components/responses/400'}
            404: {$ref: '#/components/responses/404'}
        """
        claim = self.datamodel.get(pk, self._base_filters)
        if claim is None:
            return self.response_404()
        try:
            today = date_arg("today") or date.today()
        except DomainError as err:
            return self.domain_error(err)
        rows = claim_services.claim_deadlines(db.session, claim, today)
        return self.response(
            200,
            id=claim.id,
            jurisdiction=claim_services.jurisdiction_of(claim),
            today=today.isoformat(),
            result=[d.as_dict(today) for d in rows],
        )

    @expose("/<int:pk>/start_repair", methods=["POST"])
    @protect()
    @safe
    def start_repair(self, pk):
        """Open a repair order for the claim's unit.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: false
            content:
              application/json:
                schema: {$ref: '#/components/schemas/ClaimStartRepairBody'}
          responses:
            201: {description: The repair order's id and number}
            404: {$ref: '#/components/responses/404'}
            409: {description: Already has a repair, or the claim is decided}
            422: {$ref: '#/components/responses/422'}
        """
        claim = self.datamodel.get(pk, self._base_filters)
        if claim is None:
            return self.response_404()

        def save(session):
            body = load_body(StartRepairBody)
            return claim_services.start_repair(session, claim, technician_id=body["technician_id"])

        repair, err = self.run_service(save)
        return err or self.response(201, id=repair.id, number=repair.number)

    @expose("/<int:pk>/settle", methods=["POST"])
    @protect()
    @safe
    def settle(self, pk):
        """Record a replacement, refund, price reduction or reimbursement.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/ClaimSettleBody'}
          responses:
            200: {description: The claim's settlement}
            404: {$ref: '#/components/responses/404'}
            409: {description: The claim is not accepted}
            422: {$ref: '#/components/responses/422'}
        """
        claim = self.datamodel.get(pk, self._base_filters)
        if claim is None:
            return self.response_404()

        def save(session):
            body = load_body(SettleBody)
            return claim_services.settle(session, claim, **body)

        done, err = self.run_service(save)
        return err or self.response(
            200,
            id=done.id,
            resolution=done.resolution,
            compensation_amount=str(done.compensation_amount)
            if done.compensation_amount is not None
            else None,
            paid_on=done.paid_on.isoformat() if done.paid_on else None,
            replacement_serial=done.replacement_serial,
        )


class DefectCodeApi(AppRestApi):
    resource_name = "defect_code"
    class_permission_name = "DefectCode"
    datamodel = AppInterface(DefectCode)
    list_columns = ["id", "code", "name", "category", "active"]
    show_columns = [*list_columns, "description"]
    add_columns = edit_columns = ["code", "name", "category", "description", "active"]
    search_columns = ["code", "name", "category", "active"]
    order_columns = ["id", "code", "name", "category"]
    base_order = ("code", "asc")
    validators_columns = {
        "code": validate.Length(min=1, max=40),
        "name": validate.Length(min=1, max=200),
    }
    rules = defects.DefectCodeRules()


class ClaimDefectApi(AppRestApi):
    resource_name = "claim_defect"
    class_permission_name = "ClaimDefect"
    datamodel = AppInterface(ClaimDefect)
    list_columns = [
        "id",
        "claim.id",
        "claim.number",
        "repair_order.id",
        "defect_code.id",
        "defect_code.code",
        "root_cause",
        "part.id",
        "supplier.id",
        "equipment_model.id",
        "found_on",
    ]
    show_columns = [*list_columns, "notes"]
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
    search_columns = ["claim", "repair_order", "defect_code", "root_cause", "found_on"]
    order_columns = ["id", "found_on"]
    base_order = ("id", "desc")
    validators_columns = {"root_cause": ROOT_CAUSES.validator()}
    rules = defects.ClaimDefectRules()


class ExpertExaminationApi(StateMachineApiMixin, AppRestApi):
    """Expert examinations. Actions: POST /<id>/conclude (cause_found and conclusion set
    first; the claim is then accepted or rejected), /<id>/cancel (comment required)."""

    resource_name = "expert_examination"
    class_permission_name = "ExpertExamination"
    datamodel = AppInterface(ExpertExamination)
    state_machine = defects.EXAM_MACHINE
    list_columns = [
        "id",
        "claim.id",
        "claim.number",
        "organisation",
        "sent_on",
        "state",
        "concluded_on",
        "cause_found",
        "cost",
        "paid_by",
    ]
    show_columns = [*list_columns, "expert.id", "questions", "defect_confirmed", "conclusion"]
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
    search_columns = ["claim", "organisation", "state", "sent_on", "cause_found", "paid_by"]
    order_columns = ["id", "sent_on", "concluded_on"]
    base_order = ("id", "desc")
    validators_columns = {
        "organisation": validate.Length(min=1, max=200),
        "questions": validate.Length(min=1, max=5000),
        "cause_found": ROOT_CAUSES.validator(),
        "paid_by": EXAM_PAYERS.validator(),
    }
    rules = defects.ExaminationRules()


APIS = [
    ClaimApi,
    DefectCodeApi,
    ClaimDefectApi,
    ExpertExaminationApi,
    SystemicAlertApi,
    ProductionProposalApi,
    SupplierClaimApi,
    SatisfactionApi,
]
