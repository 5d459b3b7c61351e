"""Warranty services: plain functions over a Session, shared by UI, API, CLI and imports."""

from modules.warranty.services.inspections import record_inspection
from modules.warranty.services.logistics import (
    SHIPMENT_MACHINE,
    create_shipment,
    lend_loaner,
    return_loaner,
    shipment_transition,
)
from modules.warranty.services.repairs import (
    REPAIR_MACHINE,
    add_labour_line,
    add_part_line,
    decide_billing,
    open_repair,
    override_billing,
    remove_part_line,
    transition,
)
from modules.warranty.services.status import (
    WarrantyStatus,
    reinstate_warranty,
    void_warranty,
    warranty_status,
)

__all__ = [
    "REPAIR_MACHINE",
    "SHIPMENT_MACHINE",
    "WarrantyStatus",
    "add_labour_line",
    "add_part_line",
    "create_shipment",
    "decide_billing",
    "lend_loaner",
    "open_repair",
    "override_billing",
    "record_inspection",
    "reinstate_warranty",
    "remove_part_line",
    "return_loaner",
    "shipment_transition",
    "transition",
    "void_warranty",
    "warranty_status",
]
