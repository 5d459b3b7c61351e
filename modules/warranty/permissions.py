"""Who may do what in warranty.

The service manager does everything, voids and reinstates warranties and
overrides a repair's billing; a technician works on his own repair orders (and
those of the colleagues he stands in for); the warehouse clerk handles shipments;
the accountant reads and exports; the claims officer and the viewer read. Part
costs on repair lines and shipping costs are for the roles that handle money.
"""

from app.policy import Fields, Rows
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
from modules.warranty.models import (
    Inspection,
    LoanerLoan,
    RepairLabourLine,
    RepairOrder,
    RepairPartLine,
    Shipment,
)

_READERS = (TECHNICIAN, WAREHOUSE_CLERK, CLAIMS_OFFICER, ACCOUNTANT, VIEWER)
# who sees every repair order (a technician sees his own and his absent colleagues')
_ALL_REPAIRS = (SERVICE_MANAGER, WAREHOUSE_CLERK, CLAIMS_OFFICER, ACCOUNTANT, VIEWER)

REPAIRS = Rows(
    RepairOrder,
    lambda actor: RepairOrder.technician_id.in_(actor.acting_for),
    see_all=("can_see_all", "RepairOrder"),
    why="a technician sees the repairs assigned to him or to a colleague he stands in for",
)

PERMISSIONS = ModulePermissions(
    grants=(
        Grant(
            "Unit",
            read=_READERS,
            write=(SERVICE_MANAGER,),
            extra={"can_void": (SERVICE_MANAGER,)},
            why="sold units and their warranty; only the manager registers, voids, reinstates",
        ),
        Grant(
            "WarrantyPolicy",
            read=_READERS,
            write=(SERVICE_MANAGER,),
            why="warranty terms per model are the manager's decision",
        ),
        Grant(
            "ExtendedWarranty",
            read=_READERS,
            write=(SERVICE_MANAGER,),
            why="extended warranties sold are recorded by the manager",
        ),
        Grant(
            "WarrantyVoid",
            read=(*_READERS, SERVICE_MANAGER),
            why="voids are read by all; made and lifted on the unit (can_void)",
        ),
        Grant(
            "RepairOrder",
            read=_READERS,
            write=(SERVICE_MANAGER, TECHNICIAN),
            extra={
                "can_see_all": _ALL_REPAIRS,
                "can_override_billing": (SERVICE_MANAGER,),
            },
            why="technicians work their own repairs; the office sees all; the manager "
            "overrides billing",
        ),
        Grant(
            "Checklist",
            read=_READERS,
            write=(SERVICE_MANAGER,),
            why="inspection checklists are set by the manager",
        ),
        Grant(
            "Inspection",
            read=(*_READERS, SERVICE_MANAGER),
            why="final inspections are signed on the repair, by a second person",
        ),
        Grant(
            "Shipment",
            read=_READERS,
            write=(SERVICE_MANAGER, WAREHOUSE_CLERK),
            why="the warehouse ships units to and from customers and suppliers",
        ),
        Grant(
            "Loaner",
            read=_READERS,
            write=(SERVICE_MANAGER,),
            why="the manager keeps the pool of substitute units",
        ),
        Grant(
            "LoanerLoan",
            read=_READERS,
            write=(SERVICE_MANAGER,),
            why="substitute units lent to customers during a repair",
        ),
        # the accounting exports: revenue of paid repairs, warranty costs, recoveries
        Grant(
            "WarrantyAccounting",
            read=(SERVICE_MANAGER, ACCOUNTANT),
            why="revenue, warranty costs and recoveries for accounting",
        ),
    ),
    rows=(
        REPAIRS,
        Rows.via(RepairPartLine, RepairPartLine.repair_id, REPAIRS),
        Rows.via(RepairLabourLine, RepairLabourLine.repair_id, REPAIRS),
        Rows.via(Inspection, Inspection.repair_id, REPAIRS),
        Rows.via(LoanerLoan, LoanerLoan.repair_id, REPAIRS),
        Rows.via(
            Shipment,
            Shipment.repair_id,
            REPAIRS,
            why="a technician sees the shipments of the repairs he sees",
        ),
    ),
    fields=(
        Fields(RepairPartLine, ("unit_cost",), why="what the part cost us"),
        Fields(Shipment, ("cost",), why="what the carrier charged us"),
    ),
)
