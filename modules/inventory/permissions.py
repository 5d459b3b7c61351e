"""Who may do what in inventory.

The warehouse clerk keeps stock and purchasing; the technician reads the catalog
and stock and consumes parts for his own work; the service manager does
everything; the accountant reads and takes the exports.
"""

from app.policy import Fields
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
from modules.inventory.models import Part, PurchaseOrderLine, StockMove, SupplierPrice

_KEEPERS = (SERVICE_MANAGER, WAREHOUSE_CLERK)
_READERS = (TECHNICIAN, ACCOUNTANT, VIEWER, CLAIMS_OFFICER)

PERMISSIONS = ModulePermissions(
    grants=(
        Grant(
            "EquipmentModel",
            read=EVERYONE,
            write=_KEEPERS,
            why="the product range everyone works with; the warehouse keeps it",
        ),
        Grant("Part", read=EVERYONE, write=_KEEPERS, why="the spare-parts catalogue"),
        Grant("PartFitment", read=EVERYONE, write=_KEEPERS, why="which part fits which model"),
        Grant("Warehouse", read=EVERYONE, write=_KEEPERS, why="where stock is kept"),
        Grant(
            "StockMove",
            read=_READERS,
            write=_KEEPERS,
            extra={"can_consume": (*_KEEPERS, TECHNICIAN)},
            why="the stock ledger: the warehouse moves stock, a technician consumes parts",
        ),
        Grant("StockLevel", read=(*_KEEPERS, *_READERS), why="what is on hand and reserved"),
        Grant(
            "Reservation",
            read=(*_KEEPERS, TECHNICIAN, ACCOUNTANT),
            why="parts held for repairs and sales",
        ),
        Grant(
            "ReorderRule",
            read=(ACCOUNTANT,),
            write=_KEEPERS,
            why="minimum and maximum stock, kept by the warehouse",
        ),
        Grant(
            "SupplierPrice",
            read=(ACCOUNTANT,),
            write=_KEEPERS,
            why="what suppliers charge: purchasing and accounting only",
        ),
        Grant(
            "PurchaseOrder",
            read=(ACCOUNTANT,),
            write=_KEEPERS,
            why="orders to suppliers: purchasing and accounting only",
        ),
        Grant(
            "PartsSale",
            read=(ACCOUNTANT, WAREHOUSE_CLERK),
            write=(SERVICE_MANAGER,),
            why="parts sold to customers; the warehouse hands them over",
        ),
        Grant(
            "PartsReturn",
            read=(ACCOUNTANT,),
            write=_KEEPERS,
            why="parts customers bring back",
        ),
        Grant(
            "InventoryReport",
            read=(*_KEEPERS, *_READERS),
            write=_KEEPERS,
            why="replenishment and forecast; the warehouse turns them into orders",
        ),
    ),
    fields=(
        Fields(Part, ("cost", "avg_cost"), why="what a part costs us"),
        Fields(StockMove, ("unit_cost",), why="the value of stock moved"),
        Fields(SupplierPrice, ("price",), why="what a supplier charges"),
        Fields(PurchaseOrderLine, ("unit_price",), why="what we pay on an order"),
    ),
)
