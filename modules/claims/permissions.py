"""Who may do what in claims.

The claims officer handles claims, their defects, expert examinations and supplier
claims; the service manager does everything, runs the systemic-defect detection and
drafts proposals to production; a technician reads the claims of his own repairs (a
record rule, see web.py); the accountant and the viewer read (the accountant takes
the exports).
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

_READERS = (ACCOUNTANT, VIEWER)
_OFFICE = (SERVICE_MANAGER, CLAIMS_OFFICER)

PERMISSIONS = ModulePermissions(
    grants=(
        Grant(
            "Claim",
            read=(*_READERS, TECHNICIAN),
            write=_OFFICE,
            extra={"can_see_all": (*_OFFICE, *_READERS)},
        ),
        Grant("DefectCode", read=(*_READERS, TECHNICIAN, WAREHOUSE_CLERK), write=_OFFICE),
        Grant("ClaimDefect", read=_READERS, write=_OFFICE),
        Grant("ExpertExamination", read=_READERS, write=_OFFICE),
        Grant("SupplierClaim", read=_READERS, write=_OFFICE),
        Grant("SystemicAlert", read=(*_READERS, CLAIMS_OFFICER), write=(SERVICE_MANAGER,)),
        Grant("ProductionProposal", read=(*_READERS, CLAIMS_OFFICER), write=(SERVICE_MANAGER,)),
        Grant("ClaimSettings", read=(*_READERS, CLAIMS_OFFICER), write=(SERVICE_MANAGER,)),
        Grant("Satisfaction", read=(*_READERS, *_OFFICE)),
        # the accounting exports (compensations, penalties, expert costs, recoveries)
        Grant("ClaimAccounting", read=(ACCOUNTANT, *_OFFICE)),
    )
)
