"""Warranty services: the rules of every warranty resource (one `Rules` object each,
shared by the screens, the API, the CLI and the imports) and the functions they call.

- `status.py`: a unit's warranty on a date (statutory, manufacturer, extended, expired,
  voided; extended by time in repair);
- `units.py`: units, policies, extended warranties, voids (`UnitRules`, ...);
- `repairs.py`: repair orders, billing, the binding quote, their life (`RepairRules`);
- `lines.py`: parts and labour on a repair (`PartLineRules`, `LabourLineRules`);
- `inspections.py`: checklists and inspections (`ChecklistRules`, ...);
- `logistics.py`: shipments and substitute units (`ShipmentRules`, `LoanerRules`,
  `LoanRules`);
- `access.py`: the repair's record rule as the rules of writing.
"""

from modules.warranty.services.inspections import (
    ChecklistItemRules,
    ChecklistRules,
    InspectionRules,
    record_inspection,
)
from modules.warranty.services.lines import (
    LabourLineRules,
    PartLineRules,
    add_labour_line,
    add_part_line,
    remove_part_line,
)
from modules.warranty.services.logistics import (
    SHIPMENT_MACHINE,
    LoanerRules,
    LoanRules,
    ShipmentRules,
    create_shipment,
    lend_loaner,
    return_loaner,
    shipment_transition,
)
from modules.warranty.services.repairs import (
    REPAIR_MACHINE,
    RepairRules,
    decide_billing,
    open_repair,
    override_billing,
    transition,
)
from modules.warranty.services.status import WarrantyStatus, warranty_status
from modules.warranty.services.units import (
    ExtendedWarrantyRules,
    UnitRules,
    WarrantyPolicyRules,
    WarrantyVoidRules,
    reinstate_warranty,
    void_warranty,
)

__all__ = [
    "REPAIR_MACHINE",
    "SHIPMENT_MACHINE",
    "ChecklistItemRules",
    "ChecklistRules",
    "ExtendedWarrantyRules",
    "InspectionRules",
    "LabourLineRules",
    "LoanRules",
    "LoanerRules",
    "PartLineRules",
    "RepairRules",
    "ShipmentRules",
    "UnitRules",
    "WarrantyPolicyRules",
    "WarrantyStatus",
    "WarrantyVoidRules",
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
