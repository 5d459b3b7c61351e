"""Who may do what with contracts.

The service manager does everything; a technician sees and works on his own visits
(and those of the colleagues he stands in for: a record rule, see web.py); the
accountant reads and takes the exports; the viewer reads. Whoever may read a unit
(warranty) may ask which contract covers it.
"""

from app.security import ACCOUNTANT, SERVICE_MANAGER, TECHNICIAN, VIEWER, Grant, ModulePermissions
from modules.warranty.permissions import PERMISSIONS as WARRANTY

_READERS = (ACCOUNTANT, VIEWER)


def _unit_readers() -> tuple[str, ...]:
    unit = next(g for g in WARRANTY.grants if g.resource == "Unit")
    return tuple(dict.fromkeys((*unit.read, *unit.write)))


PERMISSIONS = ModulePermissions(
    grants=(
        Grant("ServiceContract", read=_READERS, write=(SERVICE_MANAGER,)),
        Grant("ContractCoverage", read=_READERS, write=(SERVICE_MANAGER,)),
        Grant("BillingLine", read=(SERVICE_MANAGER, *_READERS)),
        Grant(
            "ScheduledVisit",
            read=_READERS,
            write=(SERVICE_MANAGER, TECHNICIAN),
            extra={
                "can_see_all": (SERVICE_MANAGER, *_READERS),
                "can_plan": (SERVICE_MANAGER,),
            },
        ),
        Grant("DealerReimbursement", read=_READERS, write=(SERVICE_MANAGER,)),
        Grant("ContractReports", read=(SERVICE_MANAGER, *_READERS)),
        Grant("UnitCoverage", read=_unit_readers()),
    )
)
