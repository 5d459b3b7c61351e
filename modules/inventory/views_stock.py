"""Catalog and stock screens (thin: rules in services/)."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from app import filters as app_filters
from app.datamodel import AppInterface
from app.db import db
from app.formats import ZONE
from app.security import VIEW_METHOD_PERMISSIONS
from app.views import AppModelView
from modules.inventory import services
from modules.inventory.models import (
    MOVE_REASONS,
    RESERVATION_STATES,
    WAREHOUSE_KINDS,
    EquipmentModel,
    Part,
    PartFitment,
    Reservation,
    StockBalance,
    StockMove,
    Warehouse,
    ref_type_label,
)
from modules.inventory.services import catalog, stock
from modules.inventory.web import CountWithoutJoinsInterface

TEMPLATES = str(Path(__file__).parent / "templates")

LABELS = {
    "code": _l("Code"),
    "name": _l("Name"),
    "manufacturer": _l("Manufacturer"),
    "category": _l("Category"),
    "durable": _l("Durable"),
    "active": _l("Active"),
    "sku": _l("SKU"),
    "unit": _l("Unit"),
    "cost": _l("Cost"),
    "avg_cost": _l("Average cost"),
    "sale_price": _l("Sale price"),
    "lead_time_days": _l("Lead time (days)"),
    "min_order_qty": _l("Minimum order quantity"),
    "supplier": _l("Supplier"),
    "superseded_by": _l("Superseded by"),
    "part": _l("Part"),
    "equipment_model": _l("Equipment model"),
    "note": _l("Note"),
    "kind": _l("Kind"),
    "user": _l("User"),
    "at": _l("When (%(zone)s)", zone=ZONE),
    "from_warehouse": _l("From"),
    "to_warehouse": _l("To"),
    "warehouse": _l("Warehouse"),
    "quantity": _l("Quantity"),
    "unit_cost": _l("Unit cost"),
    "reason": _l("Reason"),
    "ref_type": _l("Document type"),
    "ref_id": _l("Document id"),
    "reverses_id": _l("Reverses move"),
    "username": _l("User"),
    "on_hand": _l("On hand"),
    "reserved": _l("Reserved"),
    "available": _l("Available"),
    "state": _l("State"),
    "created_at": _l("Created"),
}


class EquipmentModelView(AppModelView):
    datamodel = AppInterface(EquipmentModel)
    class_permission_name = "EquipmentModel"
    rules = catalog.EquipmentModelRules()
    list_title = _l("Equipment models")
    show_title = _l("Equipment model")
    add_title = _l("Add equipment model")
    edit_title = _l("Edit equipment model")
    label_columns = LABELS
    list_columns = ["code", "name", "manufacturer", "category", "durable", "active"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["code", "name", "manufacturer", "category", "durable", "active"]
    base_order = ("code", "asc")


class PartFitmentView(AppModelView):
    datamodel = AppInterface(PartFitment)
    class_permission_name = "PartFitment"
    rules = catalog.FitmentRules()
    list_title = _l("Fitment")
    show_title = _l("Fitment")
    add_title = _l("Add fitment")
    edit_title = _l("Edit fitment")
    label_columns = LABELS
    list_columns = ["part", "equipment_model", "note"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["note"]


class PartView(AppModelView):
    datamodel = AppInterface(Part)
    class_permission_name = "Part"
    rules = catalog.PartRules()
    template_folder = TEMPLATES
    show_template = "inventory/part_show.html"
    list_title = _l("Parts")
    show_title = _l("Part")
    add_title = _l("Add part")
    edit_title = _l("Edit part")
    label_columns = LABELS
    list_columns = ["sku", "name", "category", "unit", "sale_price", "supplier", "active"]
    _fields = [
        "sku",
        "name",
        "unit",
        "category",
        "cost",
        "sale_price",
        "lead_time_days",
        "min_order_qty",
        "supplier",
        "superseded_by",
        "active",
    ]
    add_columns = edit_columns = _fields
    show_columns = [*_fields, "avg_cost"]
    search_columns = ["sku", "name", "category", "active"]
    base_order = ("sku", "asc")
    related_views = [PartFitmentView]
    description_columns = {
        "cost": _l("List or last purchase cost; stock is valued at the average cost."),
        "superseded_by": _l("The part that replaces this one."),
    }

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            from app import charts
            from app.insights import BAR, COUNT
            from modules.inventory.services.forecast import chart, part_forecast

            part = db.session.get(Part, kwargs["pk"])
            if part is not None:
                data = part_forecast(db.session, part)
                kwargs["forecast"] = data
                kwargs["forecast_svg"] = charts.render(
                    BAR,
                    chart(data),
                    COUNT,
                    str(_l("Consumption and forecast")),
                    css_class="as-forecast",
                )
                kwargs["stock_rows"] = services.stock.on_hand_by_warehouse(db.session, [part.id])[
                    part.id
                ]
                kwargs["successor"] = catalog.final_successor(part)
        return super().render_template(template, **kwargs)


class WarehouseView(AppModelView):
    datamodel = AppInterface(Warehouse)
    class_permission_name = "Warehouse"
    rules = catalog.WarehouseRules()
    list_title = _l("Warehouses")
    show_title = _l("Warehouse")
    add_title = _l("Add warehouse")
    edit_title = _l("Edit warehouse")
    label_columns = LABELS
    list_columns = ["code", "name", "kind", "user", "active"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["code", "name", "kind", "active"]
    base_order = ("code", "asc")
    formatters_columns = {"kind": WAREHOUSE_KINDS.label}
    add_form_extra_fields = {"kind": WAREHOUSE_KINDS.select_field(_l("Kind"))}
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {"user": _l("The technician whose van this is.")}


class StockMoveView(AppModelView):
    """The ledger: adding posts a move (the API's rules); never edited or deleted."""

    datamodel = CountWithoutJoinsInterface(StockMove)
    class_permission_name = "StockMove"
    rules = stock.StockMoveRules()
    include_route_methods = {"list", "show", "add", "api_read", "api_get", "download"}
    method_permission_name = {**VIEW_METHOD_PERMISSIONS, "edit": "edit", "delete": "delete"}
    list_title = _l("Stock moves")
    show_title = _l("Stock move")
    add_title = _l("Post a stock move")
    label_columns = LABELS
    list_columns = [
        "at",
        "part",
        "reason",
        "from_warehouse",
        "to_warehouse",
        "quantity",
        "unit_cost",
        "ref_type",
        "ref_id",
        "username",
    ]
    show_columns = [*list_columns, "reverses_id", "note"]
    add_columns = [
        "part",
        "reason",
        "from_warehouse",
        "to_warehouse",
        "quantity",
        "unit_cost",
        "ref_type",
        "ref_id",
        "note",
    ]
    search_columns = ["at", "reason", "ref_type", "ref_id"]
    order_columns = ["at", "quantity"]
    base_order = ("id", "desc")
    formatters_columns = {"reason": MOVE_REASONS.label, "ref_type": ref_type_label}
    add_form_extra_fields = {
        "reason": MOVE_REASONS.select_field(_l("Reason")),
    }
    description_columns = {
        "unit_cost": _l("For receipts; other moves go out at the average cost."),
    }


class StockLevelView(AppModelView):
    datamodel = AppInterface(StockBalance)
    class_permission_name = "StockLevel"
    base_permissions = ["can_read"]
    list_title = _l("Stock levels")
    show_title = _l("Stock level")
    label_columns = LABELS
    list_columns = ["part", "warehouse", "on_hand", "reserved", "available"]
    show_columns = list_columns
    search_columns = ["on_hand", "reserved"]
    search_filters = {
        "part": app_filters.name_filters("sku", "name", label=_l("SKU or name")),
        "warehouse": app_filters.name_filters("code", "name", label=_l("Code or name")),
    }
    order_columns = ["on_hand", "reserved"]
    base_order = ("id", "asc")


class ReservationView(AppModelView):
    datamodel = AppInterface(Reservation)
    class_permission_name = "Reservation"
    base_permissions = ["can_read"]
    list_title = _l("Reservations")
    show_title = _l("Reservation")
    label_columns = LABELS
    list_columns = ["part", "warehouse", "quantity", "ref_type", "ref_id", "state", "created_at"]
    show_columns = list_columns
    search_columns = ["ref_type", "ref_id", "state", "created_at"]
    base_order = ("id", "desc")
    formatters_columns = {"state": RESERVATION_STATES.label, "ref_type": ref_type_label}
