"""Purchasing and sales screens: reorder rules, supplier prices, purchase orders,
parts sales and returns, and the replenishment / fitment reports."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms.validators import Optional

from app import filters as app_filters
from app.amounts import quantity
from app.datamodel import AppInterface
from app.db import db
from app.security import VIEW_METHOD_PERMISSIONS
from app.surface import Surface
from app.views import AppModelView, StateMachineViewMixin, commit_step
from modules.inventory.models import (
    PO_STATES,
    RETURN_CONDITIONS,
    SALE_STATES,
    EquipmentModel,
    PartsReturn,
    PartsSale,
    PartsSaleLine,
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderRule,
    SupplierPrice,
    Warehouse,
)
from modules.inventory.services import catalog, purchasing, sales
from modules.inventory.services.purchasing import (
    PurchaseOrderLineRules,
    PurchaseOrderRules,
    ReorderRuleRules,
    SupplierPriceRules,
)
from modules.inventory.services.sales import (
    PartsReturnRules,
    PartsSaleLineRules,
    PartsSaleRules,
)
from modules.inventory.views_stock import LABELS, TEMPLATES

LABELS = {
    **LABELS,
    "min_qty": _l("Minimum"),
    "max_qty": _l("Maximum"),
    "price": _l("Price"),
    "number": _l("Number"),
    "order_date": _l("Order date"),
    "expected_date": _l("Expected"),
    "notes": _l("Notes"),
    "order": _l("Purchase order"),
    "unit_price": _l("Unit price"),
    "received_qty": _l("Received"),
    "customer": _l("Customer"),
    "sale": _l("Sale"),
    "sale_date": _l("Date"),
    "discount_pct": _l("Discount %"),
    "return_date": _l("Date"),
    "condition": _l("Condition"),
    "refund_amount": _l("Refund"),
    "total": _l("Total"),
}


class ReorderRuleView(AppModelView):
    datamodel = AppInterface(ReorderRule)
    class_permission_name = "ReorderRule"
    rules = ReorderRuleRules()
    list_title = _l("Reorder rules")
    show_title = _l("Reorder rule")
    add_title = _l("Add reorder rule")
    edit_title = _l("Edit reorder rule")
    label_columns = LABELS
    list_columns = ["part", "warehouse", "min_qty", "max_qty", "active"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["min_qty", "max_qty", "active"]


class SupplierPriceView(AppModelView):
    datamodel = AppInterface(SupplierPrice)
    class_permission_name = "SupplierPrice"
    rules = SupplierPriceRules()
    list_title = _l("Supplier prices")
    show_title = _l("Supplier price")
    add_title = _l("Add supplier price")
    edit_title = _l("Edit supplier price")
    label_columns = LABELS
    list_columns = ["supplier", "part", "min_qty", "price", "lead_time_days"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["min_qty", "price"]
    description_columns = {"min_qty": _l("The price applies from this quantity on.")}


class PurchaseOrderLineView(AppModelView):
    datamodel = AppInterface(PurchaseOrderLine)
    class_permission_name = "PurchaseOrder"
    rules = PurchaseOrderLineRules()
    list_title = _l("Order lines")
    show_title = _l("Order line")
    add_title = _l("Add order line")
    edit_title = _l("Edit order line")
    label_columns = LABELS
    list_columns = ["order", "part", "quantity", "unit_price", "received_qty"]
    add_columns = ["order", "part", "quantity", "unit_price"]
    edit_columns = ["part", "quantity", "unit_price"]  # a line stays in its order
    show_columns = list_columns
    search_columns = ["quantity"]


class PurchaseOrderView(StateMachineViewMixin, AppModelView):
    surface = Surface(head=("supplier", "warehouse", "order_date", "expected_date", "total"))
    datamodel = AppInterface(PurchaseOrder)
    class_permission_name = "PurchaseOrder"
    rules = PurchaseOrderRules()
    method_permission_name = {**VIEW_METHOD_PERMISSIONS, "receive": "write"}
    template_folder = TEMPLATES
    show_template = "inventory/po_show.html"
    state_machine = purchasing.PO_MACHINE
    list_title = _l("Purchase orders")
    show_title = _l("Purchase order")
    add_title = _l("New purchase order")
    edit_title = _l("Edit purchase order")
    label_columns = LABELS
    list_columns = ["number", "supplier", "warehouse", "order_date", "expected_date", "state"]
    add_columns = ["supplier", "warehouse", "order_date", "expected_date", "notes"]
    edit_columns = ["expected_date", "notes"]
    show_columns = [*list_columns, "total", "notes"]
    search_columns = ["number", "order_date", "state"]
    search_filters = {"supplier": app_filters.name_filters()}
    base_order = ("id", "desc")
    formatters_columns = {"state": PO_STATES.label}
    related_views = [PurchaseOrderLineView]

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            order = db.session.get(PurchaseOrder, kwargs["pk"])
            if order is not None:
                kwargs["po_lines"] = order.lines
                kwargs["po_state"] = order.state
                kwargs["po_receivable"] = order.state in (
                    "sent",
                    "partially_received",
                ) and self.appbuilder.sm.has_access("can_write", self.class_permission_name)
        return super().render_template(template, **kwargs)

    @expose("/receive/<int:pk>", methods=["POST"])
    @has_access
    def receive(self, pk):
        """Receive the quantities typed per line (a partial receipt)."""

        def receive(order):
            wanted = {}
            for line in order.lines:
                raw = request.form.get(f"qty_{line.id}")
                qty = quantity(raw, "quantity", label=line.part.sku, required=False,
                               decimal_comma=True)  # fmt: skip
                if qty is not None:
                    wanted[line.id] = qty
            purchasing.receive(db.session, order, wanted)

        return self.act_on(pk, receive, _l("Received."))


class PartsSaleLineView(AppModelView):
    datamodel = AppInterface(PartsSaleLine)
    class_permission_name = "PartsSale"
    rules = PartsSaleLineRules()
    list_title = _l("Sale lines")
    show_title = _l("Sale line")
    add_title = _l("Add sale line")
    edit_title = _l("Edit sale line")
    label_columns = LABELS
    list_columns = ["sale", "part", "quantity", "unit_price", "discount_pct"]
    add_columns = show_columns = list_columns
    edit_columns = ["part", "quantity", "unit_price", "discount_pct"]  # stays in its sale
    search_columns = ["quantity"]
    add_form_extra_fields = {  # empty, not the column's 0.00: the part's price applies
        "unit_price": DecimalField(
            LABELS["unit_price"],
            validators=[Optional()],
            description=_l("Empty: the part's sale price."),
        ),
        "discount_pct": DecimalField(
            LABELS["discount_pct"],
            validators=[Optional()],
            description=_l("Empty: the sale's discount."),
        ),
    }


class PartsSaleView(StateMachineViewMixin, AppModelView):
    surface = Surface(head=("customer", "warehouse", "sale_date", "total"))
    datamodel = AppInterface(PartsSale)
    class_permission_name = "PartsSale"
    rules = PartsSaleRules()
    state_machine = sales.SALE_MACHINE
    list_title = _l("Parts sales")
    show_title = _l("Parts sale")
    add_title = _l("New parts sale")
    edit_title = _l("Edit parts sale")
    label_columns = LABELS
    list_columns = ["number", "customer", "warehouse", "sale_date", "discount_pct", "state"]
    add_columns = ["customer", "warehouse", "sale_date", "discount_pct", "notes"]
    edit_columns = ["notes"]
    show_columns = [*list_columns, "total", "notes"]
    search_columns = ["number", "sale_date", "state"]
    search_filters = {"customer": app_filters.name_filters()}
    base_order = ("id", "desc")
    formatters_columns = {"state": SALE_STATES.label}
    related_views = [PartsSaleLineView]


class PartsReturnView(AppModelView):
    datamodel = AppInterface(PartsReturn)
    class_permission_name = "PartsReturn"
    rules = PartsReturnRules()
    list_title = _l("Customer returns")
    show_title = _l("Customer return")
    add_title = _l("Register a return")
    label_columns = LABELS
    list_columns = [
        "return_date",
        "customer",
        "part",
        "quantity",
        "refund_amount",
        "condition",
        "warehouse",
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
    show_columns = [*add_columns, "move"]
    search_columns = ["return_date", "condition", "reason"]
    base_order = ("id", "desc")
    formatters_columns = {"condition": RETURN_CONDITIONS.label}
    description_columns = {
        "refund_amount": _l(
            "Paid back to the customer. Empty: the sale's net price of what comes back; "
            "at most that."
        ),
    }
    add_form_extra_fields = {
        "condition": RETURN_CONDITIONS.select_field(_l("Condition")),
        # empty means "the sale's price": no default of 0 to clear first
        "refund_amount": DecimalField(
            _l("Refund"),
            validators=[Optional()],
            description=description_columns["refund_amount"],
        ),
    }


class InventoryReportsView(BaseView):
    """Replenishment (what to order, and the draft orders) and parts per equipment model."""

    route_base = "/inventoryreports"
    template_folder = TEMPLATES
    class_permission_name = "InventoryReport"
    method_permission_name = {"replenishment": "read", "order": "write", "fitting": "read"}
    base_permissions = ["can_read", "can_write"]
    default_view = "replenishment"

    @expose("/replenishment")
    @has_access
    def replenishment(self):
        rows = purchasing.replenishment(db.session)
        names = _names(rows)
        return self.render_template("inventory/replenishment.html", rows=rows, names=names)

    @expose("/replenishment/order", methods=["POST"])
    @has_access
    def order(self):
        ids = [int(x) for x in request.form.getlist("rule") if x.isdigit()]
        commit_step(
            lambda: purchasing.create_replenishment_orders(db.session, ids or None),
            lambda orders: _l(
                "Draft purchase orders created: %(numbers)s",
                numbers=", ".join(o.number for o in orders),
            ),
        )
        return redirect(url_for(f"{self.endpoint}.replenishment"))

    @expose("/fitting")
    @has_access
    def fitting(self):
        model_id = request.args.get("model", "")
        model = None
        rows = []
        if model_id.isdigit() and int(model_id) < 2**31:
            model = db.session.get(EquipmentModel, int(model_id))
            if model is not None:
                rows = catalog.fitting_parts(db.session, model.id)
        models = db.session.query(EquipmentModel).order_by(EquipmentModel.code).limit(500).all()
        return self.render_template("inventory/fitting.html", rows=rows, model=model, models=models)


def _names(rows) -> dict:
    from modules.partners.models import Partner

    sup = {r["supplier_id"] for r in rows if r["supplier_id"]}
    wh = {r["warehouse_id"] for r in rows}
    out = {"supplier": {}, "warehouse": {}}
    if sup:
        for p in db.session.query(Partner).filter(Partner.id.in_(sup)):
            out["supplier"][p.id] = p.name
    if wh:
        for w in db.session.query(Warehouse).filter(Warehouse.id.in_(wh)):
            out["warehouse"][w.id] = w.code
    return out
