"""Customers, dealers, suppliers, their contacts and the interactions log."""

from flask_babel import lazy_gettext as _l

from app.registry import ModuleManifest

MANIFEST = ModuleManifest(
    name="partners",
    version="1.0.0",
    summary=_l("Customers, dealers, suppliers, contacts and interactions"),
    depends=(),
    category="Partners",
    category_label=_l("Partners"),
    category_icon="fa-handshake",
)
