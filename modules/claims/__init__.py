"""Consumer claims with legal deadlines, defect registry, expert examinations,
systemic defects with proposals to production, supplier claims, customer satisfaction."""

from flask_babel import lazy_gettext as _l

from app.registry import ModuleManifest

MANIFEST = ModuleManifest(
    name="claims",
    version="1.0.0",
    summary=_l(
        "Consumer claims with legal deadlines, defects, expert examinations, systemic "
        "defects, supplier claims and customer satisfaction"
    ),
    depends=("partners", "staff", "inventory", "warranty"),
    category="Claims",
    category_label=_l("Claims"),
    category_icon="fa-scale-balanced",
)
