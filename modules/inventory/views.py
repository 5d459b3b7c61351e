"""Inventory screens and menu (thin: rules are in services/)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry import MenuEntry
from app.security import (
    ACCOUNTANT,
    CLAIMS_OFFICER,
    SERVICE_MANAGER,
    TECHNICIAN,
    VIEWER,
    WAREHOUSE_CLERK,
)
from modules.inventory.views_documents import (
    InventoryReportsView,
    PartsReturnView,
    PartsSaleLineView,
    PartsSaleView,
    PurchaseOrderLineView,
    PurchaseOrderView,
    ReorderRuleView,
    SupplierPriceView,
)
from modules.inventory.views_stock import (
    EquipmentModelView,
    PartFitmentView,
    PartView,
    ReservationView,
    StockLevelView,
    StockMoveView,
    WarehouseView,
)

MENU = [
    MenuEntry(
        PartView,
        "Parts",
        _l("Parts"),
        icon="fa-gear",
        roles=(SERVICE_MANAGER, TECHNICIAN, WAREHOUSE_CLERK, CLAIMS_OFFICER, ACCOUNTANT, VIEWER),
    ),
    MenuEntry(
        EquipmentModelView,
        "Equipment models",
        _l("Equipment models"),
        icon="fa-blender",
        group="settings",
    ),
    MenuEntry(PartFitmentView, "Fitment", _l("Fitment"), icon="fa-puzzle-piece", group="settings"),
    MenuEntry(
        InventoryReportsView,
        "Parts by model",
        _l("Parts by model"),
        icon="fa-magnifying-glass",
        href="/inventoryreports/fitting",
        roles=(SERVICE_MANAGER, TECHNICIAN, WAREHOUSE_CLERK, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(WarehouseView, "Warehouses", _l("Warehouses"), icon="fa-warehouse", group="settings"),
    MenuEntry(
        StockLevelView,
        "Stock levels",
        _l("Stock levels"),
        icon="fa-cubes",
        roles=(SERVICE_MANAGER, TECHNICIAN, WAREHOUSE_CLERK, ACCOUNTANT, VIEWER),
    ),
    MenuEntry(
        StockMoveView,
        "Stock moves",
        _l("Stock moves"),
        icon="fa-right-left",
        roles=(SERVICE_MANAGER, WAREHOUSE_CLERK, ACCOUNTANT, VIEWER),
    ),
    MenuEntry(
        ReservationView,
        "Reservations",
        _l("Reservations"),
        icon="fa-lock",
        roles=(WAREHOUSE_CLERK,),
    ),
    MenuEntry(
        ReorderRuleView,
        "Reorder rules",
        _l("Reorder rules"),
        icon="fa-arrows-up-down",
        group="settings",
    ),
    MenuEntry(
        InventoryReportsView,
        "Replenishment",
        _l("Replenishment"),
        icon="fa-cart-plus",
        href="/inventoryreports/replenishment",
        roles=(SERVICE_MANAGER, WAREHOUSE_CLERK),
    ),
    MenuEntry(
        SupplierPriceView,
        "Supplier prices",
        _l("Supplier prices"),
        icon="fa-tags",
        group="settings",
    ),
    MenuEntry(
        PurchaseOrderView,
        "Purchase orders",
        _l("Purchase orders"),
        icon="fa-truck",
        roles=(SERVICE_MANAGER, WAREHOUSE_CLERK, ACCOUNTANT),
    ),
    MenuEntry(
        PartsSaleView,
        "Parts sales",
        _l("Parts sales"),
        icon="fa-cash-register",
        roles=(SERVICE_MANAGER, WAREHOUSE_CLERK, ACCOUNTANT),
    ),
    MenuEntry(
        PartsReturnView,
        "Customer returns",
        _l("Customer returns"),
        icon="fa-rotate-left",
        roles=(SERVICE_MANAGER, WAREHOUSE_CLERK, ACCOUNTANT),
    ),
]

VIEWS = [PurchaseOrderLineView, PartsSaleLineView]
