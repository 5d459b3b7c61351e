"""Claims screens and menu (thin: rules are in services/)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry import MenuEntry
from modules.claims.views_claims import (
    ClaimDefectView,
    ClaimView,
    DefectCodeView,
    ExpertExaminationView,
)
from modules.claims.views_quality import (
    DefectRatesView,
    ProductionProposalView,
    SupplierClaimView,
    SystemicAlertView,
)
from modules.claims.views_satisfaction import (
    ClaimSettingsView,
    SatisfactionPublicView,
    SatisfactionReportView,
    SatisfactionView,
)

MENU = [
    MenuEntry(ClaimView, "Consumer claims", _l("Consumer claims"), icon="fa-scale-balanced"),
    MenuEntry(
        ExpertExaminationView,
        "Expert examinations",
        _l("Expert examinations"),
        icon="fa-microscope",
    ),
    MenuEntry(ClaimDefectView, "Defects found", _l("Defects found"), icon="fa-bug"),
    MenuEntry(DefectCodeView, "Defect codes", _l("Defect codes"), icon="fa-list-ol"),
    MenuEntry(SupplierClaimView, "Supplier claims", _l("Supplier claims"), icon="fa-truck"),
    MenuEntry(
        SystemicAlertView,
        "Systemic defect alerts",
        _l("Systemic defect alerts"),
        icon="fa-triangle-exclamation",
    ),
    MenuEntry(DefectRatesView, "Defect rates", _l("Defect rates"), icon="fa-chart-line"),
    MenuEntry(
        ProductionProposalView,
        "Proposals to production",
        _l("Proposals to production"),
        icon="fa-industry",
    ),
    MenuEntry(SatisfactionView, "Satisfaction surveys", _l("Satisfaction surveys"), icon="fa-star"),
    MenuEntry(
        SatisfactionReportView,
        "Satisfaction report",
        _l("Satisfaction report"),
        icon="fa-star-half-stroke",
    ),
    MenuEntry(ClaimSettingsView, "Detection settings", _l("Detection settings"), icon="fa-sliders"),
]


VIEWS = [SatisfactionPublicView]
