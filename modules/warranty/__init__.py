"""Sold units, warranty policies, repairs, shipments, substitute units and documents."""

from flask_babel import lazy_gettext as _l

from app.registry import ModuleManifest

MANIFEST = ModuleManifest(
    name="warranty",
    version="1.0.0",
    summary=_l("Sold units, warranty policies, repairs, shipments, loaners and documents"),
    depends=("partners", "inventory", "staff"),
    category="Warranty",
    category_label=_l("Warranty"),
    category_icon="fa-screwdriver-wrench",
)
