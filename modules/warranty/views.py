"""Warranty screens and menu (thin: rules are in services/)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry import MenuEntry
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
    MenuEntry(RepairBoardView, "Repair board", _l("Repair board"), icon="fa-table-columns"),
    MenuEntry(OverdueRepairView, "Overdue repairs", _l("Overdue repairs"), icon="fa-clock"),
    MenuEntry(UnitView, "Units", _l("Units"), icon="fa-barcode"),
    MenuEntry(WarrantyPolicyView, "Warranty policies", _l("Warranty policies"), icon="fa-shield"),
    MenuEntry(
        ExtendedWarrantyView,
        "Extended warranties",
        _l("Extended warranties"),
        icon="fa-shield-halved",
    ),
    MenuEntry(WarrantyVoidView, "Voided warranties", _l("Voided warranties"), icon="fa-ban"),
    MenuEntry(ShipmentView, "Shipments", _l("Shipments"), icon="fa-truck-fast"),
    MenuEntry(LoanerView, "Substitute units", _l("Substitute units"), icon="fa-people-carry-box"),
    MenuEntry(
        LoanerLoanView, "Substitute units lent", _l("Substitute units lent"), icon="fa-handshake"
    ),
    MenuEntry(ChecklistView, "Checklists", _l("Checklists"), icon="fa-list-check"),
    MenuEntry(InspectionView, "Inspections", _l("Inspections"), icon="fa-magnifying-glass"),
    MenuEntry(
        InspectionReportView,
        "Failed inspections",
        _l("Failed inspections per technician"),
        icon="fa-chart-bar",
        href="/warrantyinspections/failures",
    ),
]

VIEWS = [ChecklistItemView, RepairPartLineView, RepairLabourLineView]
