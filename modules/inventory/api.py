"""REST resources of inventory (thin: rules in services/).

equipment_model, part, part_fitment, warehouse, stock_move (post a movement, no
update or delete), stock_level (read-only), reorder_rule, supplier_price,
purchase_order, parts_sale, parts_return.
"""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from marshmallow import validate

from app import policy
from app.amounts import decimal_value
from app.api import AppRestApi
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from app.web import load_body
from modules.inventory import services
from modules.inventory.api_documents import (
    PartsReturnApi,
    PartsSaleApi,
    PurchaseOrderApi,
    ReorderRuleApi,
    SupplierPriceApi,
)
from modules.inventory.models import (
    WAREHOUSE_KINDS,
    EquipmentModel,
    Part,
    PartFitment,
    StockBalance,
    StockMove,
    Warehouse,
)
from modules.inventory.schemas import ConsumeSchema, ReverseMoveSchema
from modules.inventory.services import catalog, stock
from modules.inventory.web import BodySchemasMixin, CountWithoutJoinsInterface

_NAME = validate.Length(min=1, max=200)


class EquipmentModelApi(AppRestApi):
    resource_name = "equipment_model"
    class_permission_name = "EquipmentModel"
    datamodel = AppInterface(EquipmentModel)
    rules = catalog.EquipmentModelRules()
    method_permission_name = {**API_METHOD_PERMISSIONS, "parts": "read"}
    _fields = ["code", "name", "manufacturer", "category", "durable", "active"]
    list_columns = show_columns = ["id", *_fields]
    add_columns = edit_columns = _fields
    search_columns = _fields
    order_columns = ["id", "code", "name"]
    validators_columns = {"name": _NAME, "code": validate.Length(min=1, max=40)}

    @expose("/<int:pk>/parts", methods=["GET"])
    @protect()
    @safe
    def parts(self, pk):
        """Every part fitting this model, with availability per warehouse and its successor.
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200: {description: Fitting parts}
            404: {$ref: '#/components/responses/404'}
        """
        if self.datamodel.get(pk, self._base_filters) is None:
            return self.response_404()
        rows = catalog.fitting_parts(db.session, pk)
        return self.response(200, result=_plain(rows))


_PART_FIELDS = [
    "sku",
    "name",
    "unit",
    "category",
    "cost",
    "sale_price",
    "lead_time_days",
    "min_order_qty",
    "active",
]


class PartApi(BodySchemasMixin, AppRestApi):
    resource_name = "part"
    class_permission_name = "Part"
    datamodel = CountWithoutJoinsInterface(Part)
    rules = catalog.PartRules()
    method_permission_name = {**API_METHOD_PERMISSIONS, "forecast": "read"}
    list_columns = [
        "id",
        *_PART_FIELDS,
        "avg_cost",
        "supplier.id",
        "supplier.name",
        "superseded_by.id",
        "superseded_by.sku",
    ]
    show_columns = list_columns
    add_columns = edit_columns = [*_PART_FIELDS, "supplier", "superseded_by"]
    search_columns = ["sku", "name", "category", "supplier", "active"]
    order_columns = ["id", "sku", "name", "category"]
    validators_columns = {
        "name": _NAME,
        "sku": validate.Length(min=1, max=40),
        "unit": validate.Length(min=1, max=10),
        "lead_time_days": validate.Range(min=0, max=3650),
    }

    @expose("/<int:pk>/forecast", methods=["GET"])
    @protect()
    @safe
    def forecast(self, pk):
        """Monthly consumption, demand forecast, safety stock and reorder point.
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          - {in: query, name: service_level, schema: {type: number}}
          responses:
            200: {description: History and forecast}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        from modules.inventory.services.forecast import part_forecast

        part = self.datamodel.get(pk, self._base_filters)
        if part is None:
            return self.response_404()
        try:
            raw = request.args.get("service_level", "0.95")
            level = decimal_value(raw, "service_level", places=3, minimum=None)
            data = part_forecast(db.session, part, level)
        except DomainError as err:
            return self.domain_error(err)
        return self.response(200, result=_plain(data))


class PartFitmentApi(AppRestApi):
    resource_name = "part_fitment"
    class_permission_name = "PartFitment"
    datamodel = AppInterface(PartFitment)
    rules = catalog.FitmentRules()
    list_columns = show_columns = [
        "id",
        "part.id",
        "part.sku",
        "equipment_model.id",
        "equipment_model.code",
        "note",
    ]
    add_columns = edit_columns = ["part", "equipment_model", "note"]
    search_columns = ["part", "equipment_model"]


class WarehouseApi(AppRestApi):
    resource_name = "warehouse"
    class_permission_name = "Warehouse"
    datamodel = AppInterface(Warehouse)
    rules = catalog.WarehouseRules()
    _fields = ["code", "name", "kind", "active"]
    list_columns = show_columns = ["id", *_fields, "user.id", "user.username"]
    add_columns = edit_columns = [*_fields, "user"]
    search_columns = ["code", "name", "kind", "active"]
    validators_columns = {
        "kind": WAREHOUSE_KINDS.validator(),
        "code": validate.Length(min=1, max=20),
        "name": validate.Length(min=1, max=100),
    }


class StockMoveApi(BodySchemasMixin, AppRestApi):
    """The ledger: list and read; POST posts a movement (services.stock.StockMoveRules,
    the same as the screen's); no update or delete: POST /<id>/reverse corrects one."""

    resource_name = "stock_move"
    class_permission_name = "StockMove"
    datamodel = CountWithoutJoinsInterface(StockMove)
    rules = stock.StockMoveRules()
    include_route_methods = {"get", "get_list", "info", "post", "reverse", "consume"}
    method_permission_name = {
        **API_METHOD_PERMISSIONS,
        "reverse": "write",
        "consume": "consume",
    }
    openapi_spec_component_schemas = (ReverseMoveSchema, ConsumeSchema)
    list_columns = show_columns = [
        "id",
        "at",
        "part.id",
        "part.sku",
        "from_warehouse.id",
        "from_warehouse.code",
        "to_warehouse.id",
        "to_warehouse.code",
        "quantity",
        "unit_cost",
        "reason",
        "ref_type",
        "ref_id",
        "note",
        "username",
    ]
    add_columns = [
        "part",
        "from_warehouse",
        "to_warehouse",
        "quantity",
        "unit_cost",
        "reason",
        "ref_type",
        "ref_id",
        "note",
    ]
    search_columns = ["part", "from_warehouse", "to_warehouse", "reason", "ref_type", "at"]
    order_columns = ["id", "at"]
    base_order = ("id", "desc")

    @expose("/<int:pk>/reverse", methods=["POST"])
    @protect()
    @safe
    def reverse(self, pk):
        """Correct a movement with a reversing line.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: false
            content:
              application/json:
                schema: {$ref: '#/components/schemas/InventoryReverseMove'}
          responses:
            201: {description: The reversing move}
            404: {$ref: '#/components/responses/404'}
            409: {description: Already reversed, or the stock is gone}
            422: {$ref: '#/components/responses/422'}
        """
        if self.datamodel.get(pk, self._base_filters) is None:
            return self.response_404()

        def save(session):
            body = load_body(ReverseMoveSchema)
            return services.reverse_move(session, pk, (body.get("note") or "").strip() or None)

        move, err = self.run_service(save)
        if err is not None:
            return err
        return self.response(201, id=move.id, result=self.show_model_schema.dump(move))

    @expose("/consume", methods=["POST"])
    @protect()
    @safe
    def consume(self):
        """A technician consumes parts for his work: reserved ones, or straight from stock.
        ---
        post:
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/InventoryConsume'}
          responses:
            201: {description: The consumption moves}
            400: {$ref: '#/components/responses/400'}
            403: {description: Not the workshop nor the technician's own van}
            409: {description: Not enough stock or nothing reserved}
            422: {$ref: '#/components/responses/422'}
        """

        def save(session):
            body = load_body(ConsumeSchema)
            return stock.consume_for_work(
                session,
                policy.current_actor(),
                body["ref_type"].strip(),
                body["ref_id"].strip(),
                part_id=body.get("part"),
                warehouse_id=body.get("warehouse"),
                qty=body.get("quantity"),
            )

        moves, err = self.run_service(save)
        if err is not None:
            return err
        return self.response(201, result=[self.show_model_schema.dump(m) for m in moves])


class StockLevelApi(AppRestApi):
    """On hand, reserved and available per part and warehouse (read-only)."""

    resource_name = "stock_level"
    class_permission_name = "StockLevel"
    datamodel = CountWithoutJoinsInterface(StockBalance)
    include_route_methods = {"get", "get_list", "info"}
    list_columns = show_columns = [
        "id",
        "part.id",
        "part.sku",
        "part.name",
        "warehouse.id",
        "warehouse.code",
        "on_hand",
        "reserved",
        "available",
    ]
    search_columns = ["part", "warehouse", "on_hand", "reserved"]
    order_columns = ["id", "on_hand", "reserved"]


def _plain(value):
    """Decimals as strings, recursively (JSON keeps every digit)."""
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


APIS = [
    EquipmentModelApi,
    PartApi,
    PartFitmentApi,
    WarehouseApi,
    StockMoveApi,
    StockLevelApi,
    ReorderRuleApi,
    SupplierPriceApi,
    PurchaseOrderApi,
    PartsSaleApi,
    PartsReturnApi,
]
