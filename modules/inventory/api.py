"""REST resources of inventory (thin: rules in services/).

equipment_model, part, part_fitment, warehouse, stock_move (post a movement, no
update or delete), stock_level (read-only), reorder_rule, supplier_price,
purchase_order, parts_sale, parts_return.
"""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from app.api import AppRestApi
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from modules.inventory import services
from modules.inventory.api_documents import (
    PartsReturnApi,
    PartsSaleApi,
    PurchaseOrderApi,
    ReorderRuleApi,
    SupplierPriceApi,
)
from modules.inventory.models import (
    MOVE_REASONS,
    WAREHOUSE_KINDS,
    EquipmentModel,
    Part,
    PartFitment,
    StockBalance,
    StockMove,
    Warehouse,
)
from modules.inventory.services import catalog
from modules.inventory.web import (
    CountWithoutJoinsInterface,
    check_keys,
    current_user_id,
    int_id,
    number,
    text,
)

_NAME = validate.Length(min=1, max=200)


class EquipmentModelApi(AppRestApi):
    resource_name = "equipment_model"
    class_permission_name = "EquipmentModel"
    datamodel = AppInterface(EquipmentModel)
    method_permission_name = {**API_METHOD_PERMISSIONS, "parts": "read"}
    _fields = ["code", "name", "manufacturer", "category", "durable", "active"]
    list_columns = show_columns = ["id", *_fields]
    add_columns = edit_columns = _fields
    search_columns = _fields
    order_columns = ["id", "code", "name"]
    validators_columns = {"name": _NAME, "code": validate.Length(min=1, max=40)}

    def pre_add(self, item):
        catalog.check_equipment_model(item)

    def pre_update(self, item):
        catalog.check_equipment_model(item)

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


class PartApi(AppRestApi):
    resource_name = "part"
    class_permission_name = "Part"
    datamodel = CountWithoutJoinsInterface(Part)
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

    def pre_add(self, item):
        catalog.check_part(item)

    def pre_update(self, item):
        catalog.check_part(item)

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
        from decimal import Decimal, InvalidOperation

        from modules.inventory.services.forecast import part_forecast

        part = self.datamodel.get(pk, self._base_filters)
        if part is None:
            return self.response_404()
        try:
            level = Decimal(request.args.get("service_level", "0.95"))
            data = part_forecast(db.session, part, level)
        except InvalidOperation:
            return self.response_422(message={"service_level": ["Not a number."]})
        except DomainError as err:
            return self.domain_error(err)
        return self.response(200, result=_plain(data))


class PartFitmentApi(AppRestApi):
    resource_name = "part_fitment"
    class_permission_name = "PartFitment"
    datamodel = AppInterface(PartFitment)
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
    _fields = ["code", "name", "kind", "active"]
    list_columns = show_columns = ["id", *_fields, "user.id", "user.username"]
    add_columns = edit_columns = [*_fields, "user"]
    search_columns = ["code", "name", "kind", "active"]
    validators_columns = {
        "kind": WAREHOUSE_KINDS.validator(),
        "code": validate.Length(min=1, max=20),
        "name": validate.Length(min=1, max=100),
    }

    def pre_add(self, item):
        catalog.check_warehouse(item)

    def pre_update(self, item):
        catalog.check_warehouse(item)


class StockMoveApi(AppRestApi):
    """The ledger: list and read; POST posts a movement; no update or delete."""

    resource_name = "stock_move"
    class_permission_name = "StockMove"
    datamodel = CountWithoutJoinsInterface(StockMove)
    include_route_methods = {"get", "get_list", "info", "post", "reverse", "consume"}
    method_permission_name = {
        **API_METHOD_PERMISSIONS,
        "reverse": "write",
        "consume": "consume",
    }
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

    def post_headless(self):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request body must be a JSON object")
        errors = check_keys(body, self.add_columns, ("part", "quantity", "unit_cost", "reason"))
        if errors:
            return self.response_422(message=errors)

        def save(session):
            reason = text(body.get("reason"), "reason", 20)
            if reason not in MOVE_REASONS or reason == "reversal":
                raise DomainError(
                    _l(
                        "Unknown reason; use one of: %(values)s.",
                        values=", ".join(MOVE_REASONS.values[:-1]),
                    ),
                    field="reason",
                )
            cost = body.get("unit_cost")
            return services.post_move(
                session,
                part_id=int_id(body.get("part"), "part"),
                quantity_=number(body.get("quantity"), "quantity"),
                reason=reason,
                from_warehouse_id=int_id(body.get("from_warehouse"), "from_warehouse", False),
                to_warehouse_id=int_id(body.get("to_warehouse"), "to_warehouse", False),
                unit_cost=None if cost is None else number(cost, "unit_cost"),
                ref_type=text(body.get("ref_type"), "ref_type", 64),
                ref_id=text(body.get("ref_id"), "ref_id", 64),
                note=text(body.get("note"), "note", 200),
            )

        move, err = self.run_service(save)
        if err is not None:
            return err
        return self.response(201, id=move.id, result=self.show_model_schema.dump(move))

    @expose("/<int:pk>/reverse", methods=["POST"])
    @protect()
    @safe
    def reverse(self, pk):
        """Correct a movement with a reversing line.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            201: {description: The reversing move}
            404: {$ref: '#/components/responses/404'}
            409: {description: Already reversed, or the stock is gone}
        """
        if self.datamodel.get(pk, self._base_filters) is None:
            return self.response_404()
        body = request.get_json(silent=True) if request.data else {}
        note = body.get("note") if isinstance(body, dict) else None
        move, err = self.run_service(
            lambda s: services.reverse_move(s, pk, text(note, "note", 200))
        )
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
                schema:
                  type: object
                  required: [ref_type, ref_id]
                  properties:
                    ref_type: {type: string}
                    ref_id: {type: string}
                    part: {type: integer}
                    warehouse: {type: integer}
                    quantity: {type: number}
          responses:
            201: {description: The consumption moves}
            400: {$ref: '#/components/responses/400'}
            409: {description: Not enough stock or nothing reserved}
            422: {$ref: '#/components/responses/422'}
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request body must be a JSON object")

        own_only = not self.appbuilder.sm.has_access("can_write", "StockMove")

        def save(session):
            ref_type = text(body.get("ref_type"), "ref_type", 64)
            ref_id = text(body.get("ref_id"), "ref_id", 64)
            if not ref_type or not ref_id:
                raise DomainError(_l("Both ref_type and ref_id are required."), field="ref_id")
            if body.get("quantity") is None:
                part = int_id(body.get("part"), "part", False)
                if own_only:
                    for wh_id in services.stock.reserved_warehouses(session, ref_type, ref_id):
                        catalog.check_own_warehouse(session, wh_id, current_user_id())
                return services.consume(session, ref_type, ref_id, part)
            wh_id = int_id(body.get("warehouse"), "warehouse")
            if own_only:
                catalog.check_own_warehouse(session, wh_id, current_user_id())
            move = services.post_move(
                session,
                part_id=int_id(body.get("part"), "part"),
                quantity_=number(body.get("quantity"), "quantity"),
                reason="consumption",
                from_warehouse_id=wh_id,
                ref_type=ref_type,
                ref_id=ref_id,
            )
            return [move]

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
