"""Claims screens and menu (thin: rules are in services/)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry import MenuEntry
from app.security import ACCOUNTANT, CLAIMS_OFFICER, SERVICE_MANAGER, VIEWER
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
    MenuEntry(
        ClaimView,
        "Consumer claims",
        _l("Consumer claims"),
        icon="fa-scale-balanced",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, ACCOUNTANT, VIEWER),
    ),
    MenuEntry(
        ExpertExaminationView,
        "Expert examinations",
        _l("Expert examinations"),
        icon="fa-microscope",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        ClaimDefectView,
        "Defects found",
        _l("Defects found"),
        icon="fa-bug",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        DefectCodeView, "Defect codes", _l("Defect codes"), icon="fa-list-ol", group="settings"
    ),
    MenuEntry(
        SupplierClaimView,
        "Supplier claims",
        _l("Supplier claims"),
        icon="fa-truck",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, ACCOUNTANT, VIEWER),
    ),
    MenuEntry(
        SystemicAlertView,
        "Systemic defect alerts",
        _l("Systemic defect alerts"),
        icon="fa-triangle-exclamation",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        DefectRatesView,
        "Defect rates",
        _l("Defect rates"),
        icon="fa-chart-line",
        group="reports",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        ProductionProposalView,
        "Proposals to production",
        _l("Proposals to production"),
        icon="fa-industry",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        SatisfactionView,
        "Satisfaction surveys",
        _l("Satisfaction surveys"),
        icon="fa-star",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        SatisfactionReportView,
        "Satisfaction report",
        _l("Satisfaction report"),
        icon="fa-star-half-stroke",
        group="reports",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        ClaimSettingsView,
        "Detection settings",
        _l("Detection settings"),
        icon="fa-sliders",
        group="settings",
    ),
]


VIEWS = [SatisfactionPublicView]
