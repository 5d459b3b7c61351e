"""REST resources for reorder rules, supplier prices, purchase orders, parts sales, returns."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import g, request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from app.api import AppRestApi, StateMachineApiMixin
from app.datamodel import AppInterface
from app.db import ZERO, db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from modules.inventory.models import (
    RETURN_CONDITIONS,
    Part,
    PartsReturn,
    PartsSale,
    PartsSaleLine,
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderRule,
    SupplierPrice,
)
from modules.inventory.services import purchasing, sales
from modules.inventory.services.stock import quantity
from modules.inventory.web import int_id, number


class ReorderRuleApi(AppRestApi):
    resource_name = "reorder_rule"
    class_permission_name = "ReorderRule"
    datamodel = AppInterface(ReorderRule)
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

    def pre_add(self, item):
        purchasing.check_reorder_rule(item)

    def pre_update(self, item):
        purchasing.check_reorder_rule(item)


class SupplierPriceApi(AppRestApi):
    resource_name = "supplier_price"
    class_permission_name = "SupplierPrice"
    datamodel = AppInterface(SupplierPrice)
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

    def pre_add(self, item):
        purchasing.check_supplier_price(item)

    def pre_update(self, item):
        purchasing.check_supplier_price(item)


def _money(value, field: str) -> Decimal:
    try:
        v = Decimal(number(value, field))
    except InvalidOperation:
        raise DomainError(_l("Must be a number."), field=field) from None
    if not v.is_finite() or v < 0 or v >= Decimal("1e12"):
        raise DomainError(_l("A value is out of range or not valid for its field."), field=field)
    return v.quantize(Decimal("0.01"))


def _lines_from_body(field: str = "lines") -> list[dict]:
    """Pop `lines` off the JSON body (FAB's schema then loads the header) and check them."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "lines" not in body:
        return []
    raw = body.pop("lines")
    if not isinstance(raw, list) or len(raw) > 500:
        raise DomainError(_l("Lines are a list of objects."), field=field)
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise DomainError(_l("Lines are a list of objects."), field=field)
        part_id = int_id(item.get("part"), "part")
        if db.session.get(Part, part_id) is None:
            raise DomainError(_l("The referenced record does not exist."), field="part")
        price = item.get("unit_price")
        out.append(
            {
                "part_id": part_id,
                "quantity": quantity(number(item.get("quantity"), "quantity")),
                "unit_price": None if price is None else _money(price, "unit_price"),
                "discount_pct": None
                if item.get("discount_pct") is None
                else _money(item.get("discount_pct"), "discount_pct"),
            }
        )
    return out


def _line_changes_from_body() -> list[dict] | None:
    """Pop `lines` off a PUT body: None when absent (the lines stay), else the new set.

    An item is {"id": line id, "part": id, "quantity": n, "unit_price": p}: with an
    id it changes that line (absent fields stay), without one it adds a line (part
    and quantity required)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "lines" not in body:
        return None
    raw = body.pop("lines")
    if not isinstance(raw, list) or len(raw) > 500:
        raise DomainError(_l("Lines are a list of objects."), field="lines")
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise DomainError(_l("Lines are a list of objects."), field="lines")
        unknown = set(item) - {"id", "part", "quantity", "unit_price"}
        if unknown:
            raise DomainError(_l("Unknown field."), field=sorted(unknown)[0])
        line_id = int_id(item.get("id"), "id", required=False)
        new = line_id is None
        part_id = int_id(item.get("part"), "part", required=new)
        if part_id is not None and db.session.get(Part, part_id) is None:
            raise DomainError(_l("The referenced record does not exist."), field="part")
        qty = item.get("quantity")
        price = item.get("unit_price")
        out.append(
            {
                "id": line_id,
                "part_id": part_id,
                "quantity": quantity(number(qty, "quantity")) if new or qty is not None else None,
                "unit_price": None if price is None else _money(price, "unit_price"),
            }
        )
    return out


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


class _WithLinesMixin:
    """POST accepts `lines`; GET one answers them too."""

    line_extra: tuple[str, ...] = ()

    def post_headless(self):
        try:
            g.inv_lines = _lines_from_body()
        except DomainError as err:
            return self.domain_error(err)
        return super().post_headless()

    def pre_get(self, data):
        item = db.session.get(self.datamodel.obj, int(data["id"]))
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


class PurchaseOrderApi(_WithLinesMixin, StateMachineApiMixin, AppRestApi):
    """Purchase orders with lines; POST /<id>/send, /<id>/receive, /<id>/cancel.

    POST and PUT take `lines`: on PUT the draft order's complete new set of lines
    ({"id": line} changes that line, an item without id adds one, a line left out is
    removed); an order no longer a draft refuses it with 409."""

    resource_name = "purchase_order"
    class_permission_name = "PurchaseOrder"
    datamodel = AppInterface(PurchaseOrder)
    state_machine = purchasing.PO_MACHINE
    method_permission_name = {**API_METHOD_PERMISSIONS, "receive": "write"}
    list_columns = _PO_LIST
    show_columns = [*_PO_LIST, "notes"]
    add_columns = ["supplier", "warehouse", "order_date", "expected_date", "notes"]
    edit_columns = ["expected_date", "notes"]
    search_columns = ["number", "state", "supplier", "warehouse", "order_date"]
    order_columns = ["id", "number", "order_date", "state"]
    line_extra = ("received_qty",)

    def apply_transition(self, session, item, action, comment):
        purchasing.transition_order(session, item, action, comment)

    def pre_add(self, item):
        purchasing.create_order(db.session, item)
        for ln in getattr(g, "inv_lines", []):
            part = db.session.get(Part, ln["part_id"])
            price = ln["unit_price"]
            if price is None:
                price = purchasing.default_price(db.session, item, part, ln["quantity"])
            item.lines.append(
                PurchaseOrderLine(
                    part=part, quantity=ln["quantity"], unit_price=price, received_qty=ZERO
                )
            )

    def put_headless(self, pk):
        """PUT may carry `lines`: the draft order's complete new set of lines (see
        purchasing.set_order_lines); without `lines` the lines stay as they are."""
        try:
            g.inv_line_changes = _line_changes_from_body()
        except DomainError as err:
            return self.domain_error(err)
        return super().put_headless(pk)

    def pre_update(self, item):
        if item.state in ("received", "cancelled"):
            raise DomainError(_l("A closed order cannot be changed."), status=409)
        purchasing.check_order(item)
        changes = getattr(g, "inv_line_changes", None)
        if changes is not None:
            purchasing.set_order_lines(db.session, item, changes)

    def pre_delete(self, item):
        if item.state != "draft":
            raise DomainError(_l("Only a draft order can be deleted; cancel it."), status=409)

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
                schema:
                  type: object
                  properties:
                    lines:
                      type: array
                      items:
                        type: object
                        properties:
                          line: {type: integer}
                          quantity: {type: number}
          responses:
            200: {description: The order's new state}
            404: {$ref: '#/components/responses/404'}
            409: {description: More than ordered, or not receivable in its state}
            422: {$ref: '#/components/responses/422'}
        """
        order = self.datamodel.get(pk, self._base_filters)
        if order is None:
            return self.response_404()
        body = request.get_json(silent=True) if request.data else {}
        if not isinstance(body, dict):
            return self.response_400(message="Request body must be a JSON object")

        def save(session):
            wanted = None
            if body.get("lines") is not None:
                if not isinstance(body["lines"], list) or not all(
                    isinstance(x, dict) for x in body["lines"]
                ):
                    raise DomainError(_l("Lines are a list of objects."), field="lines")
                wanted = {}
                for x in body["lines"]:
                    line_id = int_id(x.get("line"), "line")
                    wanted[line_id] = number(x.get("quantity"), "quantity")
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


class PartsSaleApi(_WithLinesMixin, StateMachineApiMixin, AppRestApi):
    """Parts sales with lines; POST /<id>/confirm, deliver, invoice, cancel."""

    resource_name = "parts_sale"
    class_permission_name = "PartsSale"
    datamodel = AppInterface(PartsSale)
    state_machine = sales.SALE_MACHINE
    list_columns = _SALE_LIST
    show_columns = [*_SALE_LIST, "notes"]
    add_columns = ["customer", "warehouse", "sale_date", "discount_pct", "notes"]
    edit_columns = ["notes"]
    search_columns = ["number", "state", "customer", "sale_date"]
    order_columns = ["id", "number", "sale_date", "state"]
    line_extra = ("discount_pct",)

    def apply_transition(self, session, item, action, comment):
        sales.transition_sale(session, item, action, comment)

    def pre_add(self, item):
        sales.create_sale(db.session, item)
        for ln in getattr(g, "inv_lines", []):
            line = PartsSaleLine(
                part=db.session.get(Part, ln["part_id"]),
                quantity=ln["quantity"],
                unit_price=ln["unit_price"],
                discount_pct=ln["discount_pct"],
            )
            item.lines.append(line)
            sales.check_sale_line(line)

    def pre_delete(self, item):
        raise DomainError(_l("Sales are not deleted: cancel them."), status=409)


class PartsReturnApi(AppRestApi):
    """Customer returns: POST registers one and puts the part into stock."""

    resource_name = "parts_return"
    class_permission_name = "PartsReturn"
    datamodel = AppInterface(PartsReturn)
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
        "reason",
        "condition",
        "return_date",
    ]
    search_columns = ["customer", "part", "condition", "return_date"]
    validators_columns = {
        "condition": RETURN_CONDITIONS.validator(),
        "reason": validate.Length(min=1, max=200),
    }

    def pre_add(self, item):
        sales.register_return(db.session, item)
