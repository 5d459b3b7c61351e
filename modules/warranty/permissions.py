"""Who may do what in warranty.

The service manager does everything, voids and reinstates warranties and
overrides a repair's billing; a technician works on his own repair orders (and
those of the colleagues he stands in for: a record rule, see web.py); the
warehouse clerk handles shipments; the accountant reads and exports; the claims
officer and the viewer read.
"""

from app.security import (
    ACCOUNTANT,
    CLAIMS_OFFICER,
    SERVICE_MANAGER,
    TECHNICIAN,
    VIEWER,
    WAREHOUSE_CLERK,
    Grant,
    ModulePermissions,
)

_READERS = (TECHNICIAN, WAREHOUSE_CLERK, CLAIMS_OFFICER, ACCOUNTANT, VIEWER)
# who sees every repair order (a technician sees his own and his absent colleagues')
_ALL_REPAIRS = (SERVICE_MANAGER, WAREHOUSE_CLERK, CLAIMS_OFFICER, ACCOUNTANT, VIEWER)

PERMISSIONS = ModulePermissions(
    grants=(
        Grant(
            "Unit", read=_READERS, write=(SERVICE_MANAGER,), extra={"can_void": (SERVICE_MANAGER,)}
        ),
        Grant("WarrantyPolicy", read=_READERS, write=(SERVICE_MANAGER,)),
        Grant("ExtendedWarranty", read=_READERS, write=(SERVICE_MANAGER,)),
        Grant("WarrantyVoid", read=(*_READERS, SERVICE_MANAGER)),
        Grant(
            "RepairOrder",
            read=_READERS,
            write=(SERVICE_MANAGER, TECHNICIAN),
            extra={
                "can_see_all": _ALL_REPAIRS,
                "can_override_billing": (SERVICE_MANAGER,),
            },
        ),
        Grant("Checklist", read=_READERS, write=(SERVICE_MANAGER,)),
        Grant("Inspection", read=(*_READERS, SERVICE_MANAGER)),
        Grant("Shipment", read=_READERS, write=(SERVICE_MANAGER, WAREHOUSE_CLERK)),
        Grant("Loaner", read=_READERS, write=(SERVICE_MANAGER,)),
        Grant("LoanerLoan", read=_READERS, write=(SERVICE_MANAGER,)),
        # the accounting exports: revenue of paid repairs, warranty costs, recoveries
        Grant("WarrantyAccounting", read=(SERVICE_MANAGER, ACCOUNTANT)),
    )
)
