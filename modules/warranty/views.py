"""Warranty screens and menu (thin: rules are in services/)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry import MenuEntry
from app.security import CLAIMS_OFFICER, SERVICE_MANAGER, TECHNICIAN, VIEWER, WAREHOUSE_CLERK
from modules.warranty.views_board import RepairBoardView
from modules.warranty.views_inspections import (
    ChecklistItemView,
    ChecklistView,
    InspectionReportView,
    InspectionView,
)
from modules.warranty.views_logistics import LoanerLoanView, LoanerView, ShipmentView
from modules.warranty.views_repairs import (
    OverdueRepairView,
    RepairLabourLineView,
    RepairOrderView,
    RepairPartLineView,
)
from modules.warranty.views_units import (
    ExtendedWarrantyView,
    UnitView,
    WarrantyPolicyView,
    WarrantyVoidView,
)

MENU = [
    MenuEntry(RepairOrderView, "Repair orders", _l("Repair orders"), icon="fa-screwdriver-wrench"),
    MenuEntry(
        RepairBoardView,
        "Repair board",
        _l("Repair board"),
        icon="fa-table-columns",
        roles=(SERVICE_MANAGER, TECHNICIAN, WAREHOUSE_CLERK, VIEWER),
    ),
    MenuEntry(
        OverdueRepairView,
        "Overdue repairs",
        _l("Overdue repairs"),
        icon="fa-clock",
        roles=(SERVICE_MANAGER, TECHNICIAN, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        UnitView,
        "Units",
        _l("Units"),
        icon="fa-barcode",
        roles=(SERVICE_MANAGER, TECHNICIAN, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        WarrantyPolicyView,
        "Warranty policies",
        _l("Warranty policies"),
        icon="fa-shield",
        group="settings",
    ),
    MenuEntry(
        ExtendedWarrantyView,
        "Extended warranties",
        _l("Extended warranties"),
        icon="fa-shield-halved",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        WarrantyVoidView,
        "Voided warranties",
        _l("Voided warranties"),
        icon="fa-ban",
        roles=(SERVICE_MANAGER, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        ShipmentView,
        "Shipments",
        _l("Shipments"),
        icon="fa-truck-fast",
        roles=(SERVICE_MANAGER, WAREHOUSE_CLERK, VIEWER),
    ),
    MenuEntry(
        LoanerView,
        "Substitute units",
        _l("Substitute units"),
        icon="fa-people-carry-box",
        roles=(SERVICE_MANAGER, VIEWER),
    ),
    MenuEntry(
        LoanerLoanView,
        "Substitute units lent",
        _l("Substitute units lent"),
        icon="fa-handshake",
        roles=(SERVICE_MANAGER, TECHNICIAN, VIEWER),
    ),
    MenuEntry(
        ChecklistView, "Checklists", _l("Checklists"), icon="fa-list-check", group="settings"
    ),
    MenuEntry(
        InspectionView,
        "Inspections",
        _l("Inspections"),
        icon="fa-magnifying-glass",
        roles=(SERVICE_MANAGER, TECHNICIAN, VIEWER),
    ),
    MenuEntry(
        InspectionReportView,
        "Failed inspections",
        _l("Failed inspections per technician"),
        icon="fa-chart-bar",
        href="/warrantyinspections/failures",
        group="reports",
        roles=(SERVICE_MANAGER, VIEWER),
    ),
]

VIEWS = [ChecklistItemView, RepairPartLineView, RepairLabourLineView]
