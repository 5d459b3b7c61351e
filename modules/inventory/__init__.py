"""Spare parts: catalog, fitment, warehouses, stock ledger, reorder, purchasing, sales, forecast."""

from flask_babel import lazy_gettext as _l

from app.registry import ModuleManifest

MANIFEST = ModuleManifest(
    name="inventory",
    version="1.0.0",
    summary=_l("Spare parts catalog, stock ledger, reorder, purchasing and demand forecast"),
    depends=("partners",),
    category="Inventory",
    category_label=_l("Inventory"),
    category_icon="fa-boxes-stacked",
)
