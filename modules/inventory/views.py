"""Inventory screens and menu (thin: rules are in services/)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry import MenuEntry
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
    MenuEntry(PartView, "Parts", _l("Parts"), icon="fa-gear"),
    MenuEntry(EquipmentModelView, "Equipment models", _l("Equipment models"), icon="fa-blender"),
    MenuEntry(PartFitmentView, "Fitment", _l("Fitment"), icon="fa-puzzle-piece"),
    MenuEntry(
        InventoryReportsView,
        "Parts by model",
        _l("Parts by model"),
        icon="fa-magnifying-glass",
        href="/inventoryreports/fitting",
    ),
    MenuEntry(WarehouseView, "Warehouses", _l("Warehouses"), icon="fa-warehouse"),
    MenuEntry(StockLevelView, "Stock levels", _l("Stock levels"), icon="fa-cubes"),
    MenuEntry(StockMoveView, "Stock moves", _l("Stock moves"), icon="fa-right-left"),
    MenuEntry(ReservationView, "Reservations", _l("Reservations"), icon="fa-lock"),
    MenuEntry(ReorderRuleView, "Reorder rules", _l("Reorder rules"), icon="fa-arrows-up-down"),
    MenuEntry(
        InventoryReportsView,
        "Replenishment",
        _l("Replenishment"),
        icon="fa-cart-plus",
        href="/inventoryreports/replenishment",
    ),
    MenuEntry(SupplierPriceView, "Supplier prices", _l("Supplier prices"), icon="fa-tags"),
    MenuEntry(PurchaseOrderView, "Purchase orders", _l("Purchase orders"), icon="fa-truck"),
    MenuEntry(PartsSaleView, "Parts sales", _l("Parts sales"), icon="fa-cash-register"),
    MenuEntry(PartsReturnView, "Customer returns", _l("Customer returns"), icon="fa-rotate-left"),
]

VIEWS = [PurchaseOrderLineView, PartsSaleLineView]
