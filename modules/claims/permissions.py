"""Who may do what in claims.

The claims officer handles claims, their defects, expert examinations and supplier
claims; the service manager does everything, runs the systemic-defect detection and
drafts proposals to production; a technician reads the claims of his own repairs (a
record rule); the accountant and the viewer read (the accountant takes the exports).
A survey's one-time token is a secret nobody reads: it is the customer's key.
"""

from sqlalchemy import select

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
from modules.claims.models import Claim, SatisfactionRequest
from modules.warranty.models import RepairOrder

_READERS = (ACCOUNTANT, VIEWER)
_OFFICE = (SERVICE_MANAGER, CLAIMS_OFFICER)


def _claims_of_my_repairs(actor):
    mine = select(RepairOrder.id).where(RepairOrder.technician_id.in_(actor.acting_for))
    return Claim.repair_order_id.in_(mine)


PERMISSIONS = ModulePermissions(
    grants=(
        Grant(
            "Claim",
            read=(*_READERS, TECHNICIAN),
            write=_OFFICE,
            extra={"can_see_all": (*_OFFICE, *_READERS)},
            why="consumer claims: the claims office handles them; a technician reads "
            "those of his repairs",
        ),
        Grant(
            "DefectCode",
            read=(*_READERS, TECHNICIAN, WAREHOUSE_CLERK),
            write=_OFFICE,
            why="the defect catalogue is kept by the claims office",
        ),
        Grant("ClaimDefect", read=_READERS, write=_OFFICE, why="defects found on a claim"),
        Grant(
            "ExpertExamination",
            read=_READERS,
            write=_OFFICE,
            why="independent examinations the office arranges and records",
        ),
        Grant(
            "SupplierClaim",
            read=_READERS,
            write=_OFFICE,
            why="claims against suppliers for defective parts",
        ),
        Grant(
            "SystemicAlert",
            read=(*_READERS, CLAIMS_OFFICER),
            write=(SERVICE_MANAGER,),
            why="systemic-defect alerts: the manager runs the detection and acts",
        ),
        Grant(
            "ProductionProposal",
            read=(*_READERS, CLAIMS_OFFICER),
            write=(SERVICE_MANAGER,),
            why="proposals to production are the manager's",
        ),
        Grant(
            "ClaimSettings",
            read=(*_READERS, CLAIMS_OFFICER),
            write=(SERVICE_MANAGER,),
            why="detection thresholds are the manager's",
        ),
        Grant(
            "Satisfaction",
            read=(*_READERS, *_OFFICE),
            why="customer satisfaction scores (answered by customers, never by staff)",
        ),
        # the accounting exports (compensations, penalties, expert costs, recoveries)
        Grant(
            "ClaimAccounting",
            read=(ACCOUNTANT, *_OFFICE),
            why="compensations, penalties, expert costs and recoveries for accounting",
        ),
    ),
    rows=(
        Rows(
            Claim,
            _claims_of_my_repairs,
            see_all=("can_see_all", "Claim"),
            why="a technician sees the claims of the repairs he works on",
        ),
    ),
    fields=(
        Fields(
            SatisfactionRequest,
            ("token",),
            seen_by=None,
            why="the survey link's key is the customer's; staff never read it",
        ),
    ),
)
