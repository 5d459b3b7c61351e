"""REST resources for reorder rules, supplier prices, purchase orders, parts sales, returns.

Thin: each sets the same rules object as its screen (services); bodies are loaded by
marshmallow schemas (FAB's, with exact amounts and `lines`; schemas.py for actions).
"""

from __future__ import annotations

from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from marshmallow import validate

from app.api import AppRestApi, StateMachineApiMixin
from app.datamodel import AppInterface
from app.db import db
from app.security import API_METHOD_PERMISSIONS
from app.web import load_body
from modules.inventory.models import (
    RETURN_CONDITIONS,
    PartsReturn,
    PartsSale,
    PurchaseOrder,
    ReorderRule,
    SupplierPrice,
)
from modules.inventory.schemas import (
    OrderLineSchema,
    ReceiveSchema,
    SaleLineSchema,
)
from modules.inventory.services import purchasing, sales
from modules.inventory.services.purchasing import (
    PurchaseOrderRules,
    ReorderRuleRules,
    SupplierPriceRules,
)
from modules.inventory.services.sales import PartsReturnRules, PartsSaleRules
from modules.inventory.web import BodySchemasMixin


class ReorderRuleApi(BodySchemasMixin, AppRestApi):
    resource_name = "reorder_rule"
    class_permission_name = "ReorderRule"
    datamodel = AppInterface(ReorderRule)
    rules = ReorderRuleRules()
    list_columns = show_columns = [
        "id",
        "part.id",
        "part.sku",
        "warehouse.id",
        "warehouse.code",
        "min_qty",
        "max_qty",
        "active",
    ]
    add_columns = edit_columns = ["part", "warehouse", "min_qty", "max_qty", "active"]
    search_columns = ["part", "warehouse", "active"]


class SupplierPriceApi(BodySchemasMixin, AppRestApi):
    resource_name = "supplier_price"
    class_permission_name = "SupplierPrice"
    datamodel = AppInterface(SupplierPrice)
    rules = SupplierPriceRules()
    list_columns = show_columns = [
        "id",
        "supplier.id",
        "supplier.name",
        "part.id",
        "part.sku",
        "min_qty",
        "price",
        "lead_time_days",
    ]
    add_columns = edit_columns = ["supplier", "part", "min_qty", "price", "lead_time_days"]
    search_columns = ["supplier", "part", "min_qty"]
    validators_columns = {"lead_time_days": validate.Range(min=0, max=3650)}


def _line_dicts(lines, extra=()) -> list[dict]:
    out = []
    for ln in lines:
        row = {
            "id": ln.id,
            "part_id": ln.part_id,
            "sku": ln.part.sku,
            "quantity": str(ln.quantity),
            "unit_price": str(ln.unit_price),
            "amount": str(ln.amount),
        }
        for name in extra:
            row[name] = str(getattr(ln, name))
        out.append(row)
    return out


class _ShowsLinesMixin:
    """GET one answers the document's lines and total too."""

    line_extra: tuple[str, ...] = ()

    def pre_get(self, data):
        item = db.session.get(self.datamodel.obj, int(data["id"]))  # type: ignore[attr-defined]
        if item is not None:
            data["result"]["lines"] = _line_dicts(item.lines, self.line_extra)
            data["result"]["total"] = str(item.total)


_PO_LIST = [
    "id",
    "number",
    "state",
    "supplier.id",
    "supplier.name",
    "warehouse.id",
    "warehouse.code",
    "order_date",
    "expected_date",
    "created_at",
]


class PurchaseOrderApi(_ShowsLinesMixin, StateMachineApiMixin, BodySchemasMixin, AppRestApi):
    """Purchase orders with lines; POST /<id>/send, /<id>/receive, /<id>/cancel.

    POST and PUT take `lines`: on PUT the draft order's complete new set of lines
    ({"id": line} changes that line, an item without id adds one, a line left out is
    removed); an order no longer a draft refuses it with 409, a closed one any change."""

    resource_name = "purchase_order"
    class_permission_name = "PurchaseOrder"
    datamodel = AppInterface(PurchaseOrder)
    rules = PurchaseOrderRules()
    state_machine = purchasing.PO_MACHINE
    line_schema = OrderLineSchema
    lines_on_edit = True
    openapi_spec_component_schemas = (ReceiveSchema,)  # its lines come nested
    method_permission_name = {**API_METHOD_PERMISSIONS, "receive": "write"}
    list_columns = _PO_LIST
    show_columns = [*_PO_LIST, "notes"]
    add_columns = ["supplier", "warehouse", "order_date", "expected_date", "notes"]
    edit_columns = ["expected_date", "notes"]
    search_columns = ["number", "state", "supplier", "warehouse", "order_date"]
    order_columns = ["id", "number", "order_date", "state"]
    line_extra = ("received_qty",)

    @expose("/<int:pk>/receive", methods=["POST"])
    @protect()
    @safe
    def receive(self, pk):
        """Receive an order, all of it or some lines; stock is posted at the order's price.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: false
            content:
              application/json:
                schema: {$ref: '#/components/schemas/InventoryReceive'}
          responses:
            200: {description: The order's new state}
            404: {$ref: '#/components/responses/404'}
            409: {description: More than ordered, or not receivable in its state}
            422: {$ref: '#/components/responses/422'}
        """
        order = self.datamodel.get(pk, self._base_filters)
        if order is None:
            return self.response_404()

        def save(session):
            lines = load_body(ReceiveSchema).get("lines")
            wanted = None if lines is None else {x["line"]: x["quantity"] for x in lines}
            return purchasing.receive(session, order, wanted)

        moves, err = self.run_service(save)
        if err is not None:
            return err
        return self.response(200, id=order.id, state=order.state, moves=[m.id for m in moves])


_SALE_LIST = [
    "id",
    "number",
    "state",
    "customer.id",
    "customer.name",
    "warehouse.id",
    "warehouse.code",
    "sale_date",
    "discount_pct",
]


class PartsSaleApi(_ShowsLinesMixin, StateMachineApiMixin, BodySchemasMixin, AppRestApi):
    """Parts sales with lines (POST takes `lines`); POST /<id>/confirm, deliver,
    invoice, cancel."""

    resource_name = "parts_sale"
    class_permission_name = "PartsSale"
    datamodel = AppInterface(PartsSale)
    rules = PartsSaleRules()
    state_machine = sales.SALE_MACHINE
    line_schema = SaleLineSchema
    list_columns = _SALE_LIST
    show_columns = [*_SALE_LIST, "notes"]
    add_columns = ["customer", "warehouse", "sale_date", "discount_pct", "notes"]
    edit_columns = ["notes"]
    search_columns = ["number", "state", "customer", "sale_date"]
    order_columns = ["id", "number", "sale_date", "state"]
    line_extra = ("discount_pct",)


class PartsReturnApi(BodySchemasMixin, AppRestApi):
    """Customer returns: POST registers one, puts the part into stock and records the
    refund (by default the sale's net price of what comes back)."""

    resource_name = "parts_return"
    class_permission_name = "PartsReturn"
    datamodel = AppInterface(PartsReturn)
    rules = PartsReturnRules()
    include_route_methods = {"get", "get_list", "info", "post"}
    list_columns = show_columns = [
        "id",
        "return_date",
        "sale.id",
        "sale.number",
        "customer.id",
        "customer.name",
        "part.id",
        "part.sku",
        "warehouse.id",
        "warehouse.code",
        "quantity",
        "refund_amount",
        "reason",
        "condition",
        "move.id",
    ]
    add_columns = [
        "sale",
        "customer",
        "part",
        "warehouse",
        "quantity",
        "refund_amount",
        "reason",
        "condition",
        "return_date",
    ]
    search_columns = ["customer", "part", "condition", "return_date"]
    validators_columns = {
        "condition": RETURN_CONDITIONS.validator(),
        "reason": validate.Length(min=1, max=200),
    }
