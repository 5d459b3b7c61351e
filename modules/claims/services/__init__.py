"""Claims services: plain functions over a Session, shared by UI, API, CLI and demo."""

from modules.claims.services.claims import (
    CLAIM_MACHINE,
    accrued_penalty,
    claim_deadlines,
    create_claim,
    register_claim,
    settle,
    start_repair,
    transition,
    unit_warranty,
)
from modules.claims.services.defects import (
    EXAM_MACHINE,
    add_defect,
    exam_transition,
    send_examination,
)
from modules.claims.services.satisfaction import answer, scores
from modules.claims.services.suppliers import (
    SUPPLIER_CLAIM_MACHINE,
    create_supplier_claim,
    supplier_claim_transition,
)
from modules.claims.services.systemic import (
    ALERT_MACHINE,
    PROPOSAL_MACHINE,
    defect_rates,
    detect,
    draft_proposal,
    wilson_interval,
)

__all__ = [
    "ALERT_MACHINE",
    "CLAIM_MACHINE",
    "EXAM_MACHINE",
    "PROPOSAL_MACHINE",
    "SUPPLIER_CLAIM_MACHINE",
    "accrued_penalty",
    "add_defect",
    "answer",
    "claim_deadlines",
    "create_claim",
    "create_supplier_claim",
    "defect_rates",
    "detect",
    "draft_proposal",
    "exam_transition",
    "register_claim",
    "scores",
    "send_examination",
    "settle",
    "start_repair",
    "supplier_claim_transition",
    "transition",
    "unit_warranty",
    "wilson_interval",
]
