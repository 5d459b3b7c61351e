"""REST resources of logistics: shipment (to the workshop and back), loaner, loaner_loan."""

from __future__ import annotations

from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, validate

from app.api import AppRestApi, StateMachineApiMixin
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from modules.inventory.web import check_keys, int_id, text
from modules.warranty.models import (
    LOANER_STATES,
    PAYERS,
    SHIPMENT_DIRECTIONS,
    Loaner,
    LoanerLoan,
    RepairOrder,
    Shipment,
)
from modules.warranty.services import logistics
from modules.warranty.web import (
    can_see_repair,
    date_value,
    json_body,
)

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

    def apply_transition(self, session, item, action, comment):
        logistics.shipment_transition(session, item, action, comment)

    def pre_add(self, item):
        logistics.create_shipment(db.session, item)

    def pre_update(self, item):
        if item.state == "cancelled":
            raise DomainError(_l("A cancelled shipment cannot be changed."), status=409)
        logistics.check_shipment(item)

    def pre_delete(self, item):
        raise DomainError(_l("Shipments are not deleted: cancel them."), status=409)


class LoanerApi(AppRestApi):
    """The pool of substitute units."""

    resource_name = "loaner"
    class_permission_name = "Loaner"
    datamodel = AppInterface(Loaner)
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

    def pre_add(self, item):
        item.state = "available"
        logistics.check_loaner(item)

    def pre_update(self, item):
        logistics.check_loaner(item)
        logistics.check_loaner_state(db.session, item)

    def pre_delete(self, item):
        raise DomainError(_l("Substitute units are not deleted: untick Active."), status=409)


class LoanerLoanApi(AppRestApi):
    """Substitute units lent for repairs: POST lends one; POST /<id>/return records its
    return and condition."""

    resource_name = "loaner_loan"
    class_permission_name = "LoanerLoan"
    datamodel = AppInterface(LoanerLoan)
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
        def save(session):
            body = json_body()
            errors = check_keys(body, self.add_columns, not_null=self.add_columns[:4])
            if errors:
                raise ValidationError(errors)
            repair = session.get(RepairOrder, int_id(body.get("repair"), "repair"))
            if not can_see_repair(repair):
                raise DomainError(_l("No such repair order."), field="repair", status=404)
            return logistics.lend_loaner(
                session,
                repair,
                int_id(body.get("loaner"), "loaner"),
                requested_on=date_value(body.get("requested_on"), "requested_on"),
                lent_on=date_value(body.get("lent_on"), "lent_on"),
                condition_out=text(body.get("condition_out"), "condition_out", 200),
                notes=text(body.get("notes"), "notes", 2000),
            )

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
                schema:
                  type: object
                  required: [condition_back]
                  properties:
                    returned_on: {type: string, format: date}
                    condition_back: {type: string}
                    needs_maintenance: {type: boolean}
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
            body = json_body()
            maint = body.get("needs_maintenance", False)
            if not isinstance(maint, bool):
                raise DomainError(_l("Not a valid boolean."), field="needs_maintenance")
            return logistics.return_loaner(
                session,
                loan,
                returned_on=date_value(body.get("returned_on"), "returned_on"),
                condition_back=text(body.get("condition_back"), "condition_back", 200),
                needs_maintenance=maint,
            )

        done, err = self.run_service(save)
        return err or self.response(200, id=done.id, result=self.show_model_schema.dump(done))
