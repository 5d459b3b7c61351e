"""Dashboard: KPIs and charts, notifications, the periodic service report, cost and
revenue control, market records, pricing and warranty planning.

It imports no other module: every figure comes from what the loaded modules
contribute through `app.insights` (their `insights.py`)."""

from flask_babel import lazy_gettext as _l

from app.registry import ModuleManifest

MANIFEST = ModuleManifest(
    name="dashboard",
    version="1.0.0",
    summary=_l("KPIs and charts, notifications, service report, cost and revenue, market"),
    depends=(),
    category="Dashboard",
    category_label=_l("Dashboard"),
    category_icon="fa-gauge",
)
