"""REST resources `service_contract` (with a transition per deal stage), `contract_coverage`,
`scheduled_visit`, `dealer_reimbursement`, and `GET /api/v1/unit/<id>/coverage?date=`
(served by UnitCoverageApi, next to warranty's `unit` resource without touching it)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from app import policy
from app.api import AppRestApi, DomainErrorsMixin, StateMachineApiMixin
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from app.views import date_arg
from app.web import load_body
from modules.contracts import services
from modules.contracts.models import (
    BILLING_PERIODS,
    CONTRACT_KINDS,
    CONTRACT_TERMS,
    SLA_CALENDARS,
    ContractCoverage,
    DealerReimbursement,
    ScheduledVisit,
    ServiceContract,
)
from modules.contracts.schemas import GenerateVisitsBody, NoBody, RecordVisitBody
from modules.contracts.services import life, reimbursements, sla, visits
from modules.warranty.models import Unit

_TITLE = validate.Length(min=1, max=200)

_CONTRACT_LIST = [
    "id",
    "number",
    "title",
    "kind",
    "state",
    "state_since",
    "partner.id",
    "partner.name",
    "manager.id",
    "manager.username",
    "start_date",
    "end_date",
    "auto_renew",
    "notice_days",
    "price",
    "billing_period",
    "previous.id",
    "previous.number",
]


def _now_arg() -> datetime | None:
    raw = request.args.get("now")
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            _l("now must be a timestamp as YYYY-MM-DDTHH:MM."), field="now", status=400
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class ServiceContractApi(StateMachineApiMixin, AppRestApi):
    """Contracts. POST /<id>/<action> (negotiate, approve, reopen, sign, mark_expiring,
    renew, expire, terminate); GET /<id>/sla; GET /expiring; GET /pipeline; POST /review."""

    resource_name = "service_contract"
    class_permission_name = "ServiceContract"
    datamodel = AppInterface(ServiceContract)
    state_machine = services.CONTRACT_MACHINE
    rules = life.ContractRules()
    openapi_spec_component_schemas = (NoBody,)
    method_permission_name = {
        **API_METHOD_PERMISSIONS,
        "sla": "read",
        "expiring": "read",
        "pipeline": "read",
        "review": "write",
    }
    list_columns = _CONTRACT_LIST
    show_columns = [
        *_CONTRACT_LIST,
        *[f for f in CONTRACT_TERMS if f not in _CONTRACT_LIST],
        "signed_on",
        "terminated_on",
        "created_at",
    ]
    add_columns = list(CONTRACT_TERMS)
    edit_columns = add_columns
    search_columns = [
        "number",
        "title",
        "kind",
        "state",
        "partner",
        "manager",
        "start_date",
        "end_date",
        "state_since",
    ]
    order_columns = ["id", "number", "start_date", "end_date", "state", "state_since"]
    base_order = ("id", "desc")
    validators_columns = {
        "title": _TITLE,
        "kind": CONTRACT_KINDS.validator(),
        "billing_period": BILLING_PERIODS.validator(),
        "sla_calendar": SLA_CALENDARS.validator(),
        "timezone": validate.Length(min=1, max=64),
    }

    @expose("/<int:pk>/sla", methods=["GET"])
    @protect()
    @safe
    def sla(self, pk):
        """SLA of the repairs billed to this contract: due times, actual times, breaches.
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          - {in: query, name: date_from, schema: {type: string, format: date}}
          - {in: query, name: date_to, schema: {type: string, format: date}}
          - {in: query, name: now, schema: {type: string, format: date-time}}
          responses:
            200: {description: 'result (one row per repair) and breaches (counts)'}
            400: {$ref: '#/components/responses/400'}
            404: {$ref: '#/components/responses/404'}
        """
        contract = self.datamodel.get(pk, self._base_filters)
        if contract is None:
            return self.response_404()
        try:
            date_from, date_to, now = date_arg("date_from"), date_arg("date_to"), _now_arg()
        except DomainError as err:
            return self.domain_error(err)
        repairs = sla.contract_repairs(db.session, contract.id, date_from, date_to)
        rows = sla.repair_sla(db.session, repairs, now)
        return self.response(
            200,
            result=[r.as_dict() for r in rows],
            breaches={
                "repairs": len(rows),
                "response_breaches": sum(r.response_breached for r in rows),
                "resolution_breaches": sum(r.resolution_breached for r in rows),
            },
        )

    @expose("/expiring", methods=["GET"])
    @protect()
    @safe
    def expiring(self):
        """Contracts in force within their notice period, not renewed yet.
        ---
        get:
          parameters:
          - {in: query, name: date, schema: {type: string, format: date}}
          responses:
            200: {description: 'id, number, title, partner, end_date, notice_date, auto_renew'}
            400: {$ref: '#/components/responses/400'}
        """
        try:
            on = date_arg("date") or date.today()
        except DomainError as err:
            return self.domain_error(err)
        return self.response(
            200,
            result=[
                {
                    "id": c.id,
                    "number": c.number,
                    "title": c.title,
                    "partner": c.partner.name,
                    "state": c.state,
                    "end_date": c.end_date.isoformat(),
                    "notice_date": life.notice_date(c).isoformat(),
                    "auto_renew": c.auto_renew,
                }
                for c in life.expiring_contracts(db.session, on)
            ],
        )

    @expose("/pipeline", methods=["GET"])
    @protect()
    @safe
    def pipeline(self):
        """How many contracts are in each deal stage, and how many are stuck there.
        ---
        get:
          responses:
            200: {description: 'state, label, count, stuck; stuck_days'}
        """
        return self.response(200, result=life.pipeline(db.session), stuck_days=life.stuck_days())

    @expose("/review", methods=["POST"])
    @protect()
    @safe
    def review(self):
        """Run the daily review now: notice periods begun, ends reached (auto-renewals).
        ---
        post:
          requestBody:
            required: false
            content:
              application/json:
                schema: {$ref: '#/components/schemas/ContractsNoBody'}
          responses:
            200: {description: 'how many became expiring, were renewed, expired'}
            422: {$ref: '#/components/responses/422'}
        """

        def review(session):
            load_body(NoBody)
            return life.review_contracts(session)

        result, error = self.run_service(review)
        return error or self.response(200, **result)


class ContractCoverageApi(AppRestApi):
    resource_name = "contract_coverage"
    class_permission_name = "ContractCoverage"
    datamodel = AppInterface(ContractCoverage)
    list_columns = show_columns = [
        "id",
        "contract.id",
        "contract.number",
        "equipment_model.id",
        "equipment_model.code",
        "unit.id",
        "unit.serial_number",
        "note",
    ]
    add_columns = edit_columns = ["contract", "equipment_model", "unit", "note"]
    search_columns = ["contract", "equipment_model", "unit"]
    order_columns = ["id"]
    validators_columns = {"note": validate.Length(max=200)}
    rules = life.CoverageRules()


_VISIT_LIST = [
    "id",
    "contract.id",
    "contract.number",
    "seq",
    "unit.id",
    "unit.serial_number",
    "planned_on",
    "technician.id",
    "technician.username",
    "state",
    "done_on",
    "hours",
]


class ScheduledVisitApi(StateMachineApiMixin, AppRestApi):
    """Visits (a technician sees his own). POST /<id>/<action> (complete, miss, cancel);
    POST /<id>/record {work_done, hours, done_on}; POST /generate {contract, technician}."""

    resource_name = "scheduled_visit"
    class_permission_name = "ScheduledVisit"
    datamodel = AppInterface(ScheduledVisit)
    state_machine = visits.VISIT_MACHINE
    rules = visits.VisitRules()
    openapi_spec_component_schemas = (RecordVisitBody, GenerateVisitsBody)
    method_permission_name = {**API_METHOD_PERMISSIONS, "record": "write", "generate": "write"}
    list_columns = _VISIT_LIST
    show_columns = [*_VISIT_LIST, "work_done", "notes"]
    add_columns = ["contract", "unit", "planned_on", "technician", "notes"]
    edit_columns = ["unit", "planned_on", "technician", "work_done", "hours", "done_on", "notes"]
    search_columns = ["contract", "technician", "state", "planned_on", "unit"]
    order_columns = ["id", "planned_on", "state"]
    base_order = ("planned_on", "asc")

    @expose("/<int:pk>/record", methods=["POST"])
    @protect()
    @safe
    def record(self, pk):
        """Record the work done on a visit; the visit is done.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/ContractsRecordVisitBody'}
          responses:
            200: {description: The visit, done}
            400: {$ref: '#/components/responses/400'}
            404: {$ref: '#/components/responses/404'}
            409: {description: The visit is not planned or missed}
            422: {$ref: '#/components/responses/422'}
        """
        visit = self.datamodel.get(pk, self._base_filters)
        if visit is None:
            return self.response_404()

        def record(session):
            body = load_body(RecordVisitBody)
            return visits.record_work(session, visit, **body)

        _, error = self.run_service(record)
        if error:
            return error
        return self.response(200, id=visit.id, state=visit.state, done_on=str(visit.done_on))

    @expose("/generate", methods=["POST"])
    @protect()
    @safe
    @policy.requires("can_plan", "ScheduledVisit")
    def generate(self):
        """Generate the visits of a signed contract from its frequency (idempotent).
        ---
        post:
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/ContractsGenerateVisitsBody'}
          responses:
            200: {description: 'created: the ids of the visits created'}
            400: {$ref: '#/components/responses/400'}
            403: {$ref: '#/components/responses/403'}
            404: {$ref: '#/components/responses/404'}
            409: {description: The contract is not signed}
            422: {$ref: '#/components/responses/422'}
        """

        def generate(session):
            body = load_body(GenerateVisitsBody)
            contract = life.get_contract(session, body["contract"])
            return visits.generate_visits(session, contract, body["technician"])

        created, error = self.run_service(generate)
        return error or self.response(200, created=[v.id for v in created])


class DealerReimbursementApi(StateMachineApiMixin, AppRestApi):
    """A dealer's warranty work for reimbursement. POST /<id>/<action> (submit, check,
    approve, reject)."""

    resource_name = "dealer_reimbursement"
    class_permission_name = "DealerReimbursement"
    datamodel = AppInterface(DealerReimbursement)
    state_machine = reimbursements.REIMBURSEMENT_MACHINE
    rules = reimbursements.ReimbursementRules()
    _fields = ["dealer_ref", "work_date", "description", "labour_hours", "parts_amount"]
    list_columns = [
        "id",
        "number",
        "contract.id",
        "contract.number",
        "unit.id",
        "unit.serial_number",
        *_fields,
        "labour_rate",
        "parts_discount_pct",
        "labour_amount",
        "parts_reimbursed",
        "total",
        "state",
        "decided_on",
    ]
    show_columns = [*list_columns, "created_at"]
    add_columns = edit_columns = ["contract", "unit", *_fields]
    search_columns = ["number", "contract", "unit", "state", "work_date", "dealer_ref"]
    order_columns = ["id", "number", "work_date", "state"]
    base_order = ("id", "desc")
    validators_columns = {
        "description": validate.Length(min=1, max=5000),
        "dealer_ref": validate.Length(max=64),
    }


class UnitCoverageApi(DomainErrorsMixin, BaseApi):
    """`GET /api/v1/unit/<id>/coverage?date=`: which contract covers a unit on a day.

    Served under warranty's `unit` resource path by a class of its own (its own endpoint
    and permission, `UnitCoverage`, granted to whoever reads units), so warranty's
    `UnitApi` is untouched."""

    route_base = "/api/v1/unit"
    resource_name = "unit_coverage"
    class_permission_name = "UnitCoverage"
    method_permission_name = {"coverage": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Unit coverage"

    @expose("/<int:pk>/coverage", methods=["GET"])
    @protect()
    @safe
    def coverage(self, pk):
        """The contract covering the unit on a date (today by default), and what it covers.
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          - {in: query, name: date, schema: {type: string, format: date}}
          responses:
            200: {description: 'covered (bool), date, result (contract, what it covers) or null'}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
            404: {$ref: '#/components/responses/404'}
        """
        try:
            on = date_arg("date") or date.today()
        except DomainError as err:
            return self.domain_error(err)
        if pk >= 2**31 or db.session.get(Unit, pk) is None:
            return self.response_404()
        cov = services.coverage_for_unit(db.session, pk, on)
        return self.response(
            200,
            covered=cov is not None,
            date=on.isoformat(),
            result=cov.as_dict() if cov else None,
        )


APIS = [
    ServiceContractApi,
    ContractCoverageApi,
    ScheduledVisitApi,
    DealerReimbursementApi,
    UnitCoverageApi,
]
