"""Staff: employees, job descriptions, responsibilities, deputies, intake, tasks, training, KPIs."""

from flask_babel import lazy_gettext as _l

from app.registry import ModuleManifest

MANIFEST = ModuleManifest(
    name="staff",
    version="1.0.0",
    summary=_l("Employees, job descriptions, deputies, tasks, training and staff KPIs"),
    depends=("partners",),
    category="Staff",
    category_label=_l("Staff"),
    category_icon="fa-users",
)
