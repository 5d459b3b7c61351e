"""Who may do what with contracts.

The service manager does everything; a technician sees and works on his own visits
(and those of the colleagues he stands in for: a record rule, see web.py); the
accountant reads and takes the exports; the viewer reads. Whoever may read a unit
(warranty) may ask which contract covers it.
"""

from app.policy import Rows
from app.security import ACCOUNTANT, SERVICE_MANAGER, TECHNICIAN, VIEWER, Grant, ModulePermissions
from modules.contracts.models import ScheduledVisit
from modules.warranty.permissions import PERMISSIONS as WARRANTY

_READERS = (ACCOUNTANT, VIEWER)


def _unit_readers() -> tuple[str, ...]:
    unit = next(g for g in WARRANTY.grants if g.resource == "Unit")
    return tuple(dict.fromkeys((*unit.read, *unit.write)))


PERMISSIONS = ModulePermissions(
    grants=(
        Grant(
            "ServiceContract",
            read=_READERS,
            write=(SERVICE_MANAGER,),
            why="contracts are negotiated and signed by the manager",
        ),
        Grant(
            "ContractCoverage",
            read=_READERS,
            write=(SERVICE_MANAGER,),
            why="what a contract covers is part of its terms",
        ),
        Grant(
            "BillingLine",
            read=(SERVICE_MANAGER, *_READERS),
            why="instalments follow from the signed terms; nobody types them",
        ),
        Grant(
            "ScheduledVisit",
            read=_READERS,
            write=(SERVICE_MANAGER, TECHNICIAN),
            extra={
                "can_see_all": (SERVICE_MANAGER, *_READERS),
                "can_plan": (SERVICE_MANAGER,),
            },
            why="the manager plans visits; a technician records his own",
        ),
        Grant(
            "DealerReimbursement",
            read=_READERS,
            write=(SERVICE_MANAGER,),
            why="dealers' warranty work is checked and approved by the manager",
        ),
        Grant(
            "ContractReports",
            read=(SERVICE_MANAGER, *_READERS),
            why="pipeline, renewals and SLA figures",
        ),
        Grant(
            "UnitCoverage",
            read=_unit_readers(),
            why="whoever reads a unit may ask which contract covers it",
        ),
    ),
    rows=(
        Rows(
            ScheduledVisit,
            lambda actor: ScheduledVisit.technician_id.in_(actor.acting_for),
            see_all=("can_see_all", "ScheduledVisit"),
            why="a technician sees his visits and those of a colleague he stands in for",
        ),
    ),
)
