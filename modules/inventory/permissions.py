"""Who may do what in inventory.

The warehouse clerk keeps stock and purchasing; the technician reads the catalog
and stock and consumes parts for his own work; the service manager does
everything; the accountant reads and takes the exports.
"""

from app.security import (
    ACCOUNTANT,
    CLAIMS_OFFICER,
    EVERYONE,
    SERVICE_MANAGER,
    TECHNICIAN,
    VIEWER,
    WAREHOUSE_CLERK,
    Grant,
    ModulePermissions,
)

_KEEPERS = (SERVICE_MANAGER, WAREHOUSE_CLERK)
_READERS = (TECHNICIAN, ACCOUNTANT, VIEWER, CLAIMS_OFFICER)

PERMISSIONS = ModulePermissions(
    grants=(
        Grant("EquipmentModel", read=EVERYONE, write=_KEEPERS),
        Grant("Part", read=EVERYONE, write=_KEEPERS),
        Grant("PartFitment", read=EVERYONE, write=_KEEPERS),
        Grant("Warehouse", read=EVERYONE, write=_KEEPERS),
        Grant(
            "StockMove",
            read=_READERS,
            write=_KEEPERS,
            extra={"can_consume": (*_KEEPERS, TECHNICIAN)},
        ),
        Grant("StockLevel", read=(*_KEEPERS, *_READERS)),
        Grant("Reservation", read=(*_KEEPERS, TECHNICIAN, ACCOUNTANT)),
        Grant("ReorderRule", read=(ACCOUNTANT,), write=_KEEPERS),
        Grant("SupplierPrice", read=(ACCOUNTANT,), write=_KEEPERS),
        Grant("PurchaseOrder", read=(ACCOUNTANT,), write=_KEEPERS),
        Grant("PartsSale", read=(ACCOUNTANT, WAREHOUSE_CLERK), write=(SERVICE_MANAGER,)),
        Grant("PartsReturn", read=(ACCOUNTANT,), write=_KEEPERS),
        Grant("InventoryReport", read=(*_KEEPERS, *_READERS), write=_KEEPERS),
    )
)
