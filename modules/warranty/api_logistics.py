"""REST resources of logistics: shipment (to the workshop and back), loaner, loaner_loan."""

from __future__ import annotations

from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from marshmallow import validate

from app.api import AppRestApi, StateMachineApiMixin
from app.datamodel import AppInterface
from app.security import API_METHOD_PERMISSIONS
from app.web import load_body
from modules.warranty.models import (
    LOANER_STATES,
    PAYERS,
    SHIPMENT_DIRECTIONS,
    Loaner,
    LoanerLoan,
    RepairOrder,
    Shipment,
)
from modules.warranty.schemas import LendBody, LoanReturnBody
from modules.warranty.services import logistics
from modules.warranty.web import actor

_SHIP_LIST = [
    "id",
    "number",
    "state",
    "direction",
    "repair.id",
    "repair.number",
    "unit.id",
    "unit.serial_number",
    "workshop.id",
    "carrier",
    "tracking_number",
    "shipped_on",
    "delivered_on",
    "cost",
    "paid_by",
]


_SHIP_FIELDS = [
    "direction",
    "repair",
    "unit",
    "workshop",
    "carrier",
    "tracking_number",
    "shipped_on",
    "delivered_on",
    "cost",
    "paid_by",
    "notes",
]


class ShipmentApi(StateMachineApiMixin, AppRestApi):
    """Shipments to the workshop (or an outside one) and back; POST /<id>/ship, deliver,
    cancel."""

    resource_name = "shipment"
    class_permission_name = "Shipment"
    datamodel = AppInterface(Shipment)
    state_machine = logistics.SHIPMENT_MACHINE
    rules = logistics.ShipmentRules()
    list_columns = _SHIP_LIST
    show_columns = [*_SHIP_LIST, "notes"]
    add_columns = _SHIP_FIELDS
    edit_columns = [c for c in _SHIP_FIELDS if c not in ("repair", "unit", "direction")]
    search_columns = ["number", "state", "direction", "repair", "unit", "shipped_on", "paid_by"]
    order_columns = ["id", "number", "shipped_on", "state"]
    validators_columns = {
        "direction": SHIPMENT_DIRECTIONS.validator(),
        "paid_by": PAYERS.validator(),
    }


class LoanerApi(AppRestApi):
    """The pool of substitute units."""

    resource_name = "loaner"
    class_permission_name = "Loaner"
    datamodel = AppInterface(Loaner)
    rules = logistics.LoanerRules()
    list_columns = show_columns = [
        "id",
        "code",
        "name",
        "equipment_model.id",
        "serial_number",
        "state",
        "condition",
        "active",
    ]
    add_columns = ["code", "name", "equipment_model", "serial_number", "condition", "notes"]
    edit_columns = [*add_columns, "state", "active"]
    search_columns = ["code", "name", "state", "active"]
    validators_columns = {
        "code": validate.Length(min=1, max=32),
        "name": validate.Length(min=1, max=200),
        "state": LOANER_STATES.validator(),
    }


class LoanerLoanApi(AppRestApi):
    """Substitute units lent for repairs: POST lends one; POST /<id>/return records its
    return and condition."""

    resource_name = "loaner_loan"
    class_permission_name = "LoanerLoan"
    datamodel = AppInterface(LoanerLoan)
    rules = logistics.LoanRules()
    openapi_spec_component_schemas = (LendBody, LoanReturnBody)
    include_route_methods = {"get", "get_list", "info", "post", "return_"}
    method_permission_name = {**API_METHOD_PERMISSIONS, "return_": "write"}
    list_columns = show_columns = [
        "id",
        "loaner.id",
        "loaner.code",
        "repair.id",
        "repair.number",
        "customer.id",
        "requested_on",
        "due_date",
        "lent_on",
        "condition_out",
        "returned_on",
        "condition_back",
    ]
    add_columns = ["repair", "loaner", "requested_on", "lent_on", "condition_out", "notes"]
    search_columns = ["loaner", "repair", "lent_on", "returned_on"]

    def post_headless(self):
        """Lend a substitute unit (the body: `WarrantyLendBody`)."""

        def save(session):
            body = load_body(LendBody)
            loan = LoanerLoan(
                repair=session.get(RepairOrder, body.pop("repair")),
                loaner=session.get(Loaner, body.pop("loaner")),
                **body,
            )
            self.rules.create(session, loan, actor())
            return loan

        loan, err = self.run_service(save)
        return err or self.response(201, id=loan.id, result=self.show_model_schema.dump(loan))

    @expose("/<int:pk>/return", methods=["POST"])
    @protect()
    @safe
    def return_(self, pk):
        """Record the substitute unit's return and condition.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/WarrantyLoanReturnBody'}
          responses:
            200: {description: The loan, returned}
            404: {$ref: '#/components/responses/404'}
            409: {description: Already returned}
            422: {$ref: '#/components/responses/422'}
        """
        loan = self.datamodel.get(pk, self._base_filters)
        if loan is None:
            return self.response_404()

        def save(session):
            return self.rules.give_back(session, loan, load_body(LoanReturnBody), actor())

        done, err = self.run_service(save)
        return err or self.response(200, id=done.id, result=self.show_model_schema.dump(done))
